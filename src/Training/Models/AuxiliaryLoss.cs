using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// The auxiliary losses of Trinh, Dai, Luong, Le (ICML 2018; docs/models.md §2.14, details [unverified]) for <see cref="Lstm"/>:
/// at anchor positions of each training sequence an auxiliary LSTM, started from the main LSTM's state there, either
/// reconstructs the inputs just before the anchor (r-LSTM, aux reconstruct) or predicts those after it (p-LSTM, aux predict).
/// Choices on the unverified points:
/// <list type="bullet">
/// <item>The state "at anchor a" is the main state after step a (x_a read). reconstruct: the segment is the
/// <see cref="ModelSpec.AuxLength"/> = L inputs x_{a−L+1} … x_a that end at the anchor; the auxiliary LSTM is fed the first
/// of them and then, teacher-forced, the true previous input, predicting x_{a−L+2} … x_a (L − 1 targets; L ≥ 2).
/// predict: fed x_a … x_{a+L−1}, it predicts x_{a+1} … x_{a+L} (L targets).</item>
/// <item>Anchors: <see cref="ModelSpec.AuxAnchors"/> per sequence (per batch element, drawn independently, with replacement),
/// uniform over the positions where the whole segment lies inside the forward's window (reconstruct a ∈ [L−1, T−1],
/// predict a ∈ [0, T−1−L]); a forward where none fits has no auxiliary loss. They come from a CPU torch.Generator seeded
/// per forward by SplitMix64 of (a seed drawn from the model's generator at init, the count of training forwards so far),
/// both registered buffers (aux_seed, aux_forwards), so that a resumed run draws the same anchors.</item>
/// <item>Targets by <see cref="ModelSpec.InputKind"/>: one_hot → cross-entropy over the InputSize classes (the argmax of x);
/// tokens → cross-entropy over the vocabulary against the raw token ids, the auxiliary LSTM being fed the embedded inputs
/// (so the auxiliary loss also trains the shared embedding); real → mean squared error over the I features. Targets are
/// data: no gradient flows through them.</item>
/// <item>Auxiliary network: an LSTM with its own weights, the main LSTM's hidden size and input size, initialised as the main
/// LSTM (<see cref="LstmWeights"/>: PyTorch default with the forget bias split, or chrono), with ordinary sigmoid gates;
/// a decoder H → classes (or I) with PyTorch's default Linear initialisation. All in the main group; the model's
/// parameter count includes them.</item>
/// <item>Gradient truncation τ = <see cref="ModelSpec.AuxTruncate"/>: the auxiliary loss reaches the main LSTM through the
/// steps a−τ+1 … a only. Exactly: where a−τ+1 &gt; 0 the main LSTM is run again over those τ steps from its detached state
/// after step a−τ, and the auxiliary LSTM starts from that recomputed state; otherwise (the whole history is within τ)
/// it starts from the main forward's own state at a.</item>
/// <item>Loss = <see cref="ModelSpec.AuxWeight"/> × the mean over all anchors, batch elements and targets (and features, for
/// real inputs), returned once by the model's RegularizationLoss after a training forward (autograd on). Evaluation
/// forwards (no_grad) neither draw anchors nor count, and leave no loss behind.</item>
/// </list>
/// The main LSTM runs its per-step loop while an auxiliary loss is on (the fused kernel gives no state per step).
/// </summary>
public sealed class AuxiliaryLoss
{
    readonly ModelSpec _spec;
    readonly Device _device;
    readonly bool _predict;
    readonly Parameter _weightIh, _weightHh, _biasIh, _biasHh, _decoderWeight, _decoderBias;
    readonly Tensor _seed, _forwards;
    Tensor? _pending;
    bool _recomputing;

    /// <param name="main">registers a main-group parameter on the owning model</param>
    /// <param name="buffer">registers a buffer on the owning model</param>
    public AuxiliaryLoss(ModelSpec spec, Generator g, Device device, Func<string, Tensor, Parameter> main, Action<string, Tensor> buffer)
    {
        if (spec.Aux is not ("reconstruct" or "predict")) throw new ArgumentException($"unknown auxiliary loss '{spec.Aux}'");
        if (spec.AuxLength < (spec.Aux == "reconstruct" ? 2 : 1))
            throw new ArgumentException($"aux {spec.Aux} needs aux_length of at least {(spec.Aux == "reconstruct" ? 2 : 1)}, got {spec.AuxLength}");
        if (spec.AuxAnchors < 1) throw new ArgumentException($"aux_anchors must be at least 1, got {spec.AuxAnchors}");
        if (spec.AuxTruncate < 1) throw new ArgumentException($"aux_truncate must be at least 1, got {spec.AuxTruncate}");
        if (spec.InputKind is not ("one_hot" or "tokens" or "real")) throw new ArgumentException($"unknown input kind '{spec.InputKind}'");
        if (spec.InputKind == "tokens" && spec.VocabularySize < 1) throw new ArgumentException("token inputs need a vocabulary");
        _spec = spec;
        _device = device;
        _predict = spec.Aux == "predict";
        long h = spec.HiddenSize, classes = Classes;
        var (wih, whh, bih, bhh) = LstmWeights.Draw(spec.InputSize, h, spec, g);
        _weightIh = main("aux_weight_ih", wih);
        _weightHh = main("aux_weight_hh", whh);
        _biasIh = main("aux_bias_ih", bih);
        _biasHh = main("aux_bias_hh", bhh);
        _decoderWeight = main("aux_decoder_weight", Initializers.DefaultLinear([classes, h], h, spec.DType, g));
        _decoderBias = main("aux_decoder_bias", Initializers.DefaultLinear([classes], h, spec.DType, g));
        _seed = torch.randint(0, long.MaxValue, [1], ScalarType.Int64, generator: g).to(device);
        _forwards = torch.zeros(1, ScalarType.Int64, device);
        buffer("aux_seed", _seed);
        buffer("aux_forwards", _forwards);
    }

    /// <summary>Outputs of the auxiliary decoder: the vocabulary (tokens), else the input size (classes or features).</summary>
    long Classes => _spec.InputKind == "tokens" ? _spec.VocabularySize : _spec.InputSize;

    /// <summary>The owning model's raw input of the forward under way (token ids on PTB), set around its Recur.</summary>
    internal Tensor? RawInput { get; set; }

    /// <summary>Test hook: anchors (K, B) used instead of the drawn ones.</summary>
    internal Tensor? FixedAnchors { get; set; }

    /// <summary>The anchors (K × B, row-major) of the last forward that had an auxiliary loss (a copy: the tensor dies with its scope).</summary>
    internal long[]? LastAnchors { get; private set; }

    /// <summary>The main states seen by a recording forward: after step −1 (the initial state), 0, 1, ….</summary>
    public sealed class Tape
    {
        internal readonly List<Tensor> Hidden = new(), Cell = new();
        internal Tape(Tensor hidden, Tensor cell) => Add(hidden, cell);
        public void Add(Tensor hidden, Tensor cell)
        {
            Hidden.Add(hidden);
            Cell.Add(cell);
        }
    }

    /// <summary>
    /// Called by the main LSTM before its loop: a tape to record its states on in a training forward; null in an
    /// evaluation forward (which also drops what a previous forward left) and in the truncation's recomputation.
    /// </summary>
    public Tape? Begin(Tensor hidden, Tensor cell)
    {
        if (_recomputing) return null;
        _pending = null;
        return torch.is_grad_enabled() ? new Tape(hidden, cell) : null;
    }

    /// <summary>
    /// Called by the main LSTM after its loop: draws the anchors and computes the weighted auxiliary loss.
    /// <paramref name="recur"/> runs the main LSTM over a window from a state and returns its final state (for the truncation).
    /// </summary>
    public void End(Tape tape, Tensor x, Func<Tensor, RecurrentState, RecurrentState> recur)
    {
        long steps = x.shape[0], batch = x.shape[1];
        long forward = _forwards.item<long>();
        using (torch.no_grad()) _forwards.add_(1);
        var (low, high) = AnchorRange(steps);
        if (high < low) return;
        var anchors = FixedAnchors ?? Anchors(forward, steps, batch);
        if (anchors.min().item<long>() < low || anchors.max().item<long>() > high)
            throw new ArgumentException($"anchors must lie in [{low}, {high}] for a window of {steps} steps");
        LastAnchors = anchors.cpu().data<long>().ToArray();
        _pending = _spec.AuxWeight * Loss(tape, x, anchors.to(_device), recur);
    }

    /// <summary>The weighted auxiliary loss of the training forward just run, or null; reading it clears it.</summary>
    public Tensor? Take()
    {
        var loss = _pending;
        _pending = null;
        return loss;
    }

    /// <summary>The anchor positions a where the whole segment fits in a window of <paramref name="steps"/> steps.</summary>
    public (long Low, long High) AnchorRange(long steps)
        => _predict ? (0, steps - 1 - _spec.AuxLength) : (_spec.AuxLength - 1, steps - 1);

    /// <summary>The anchors (K, B) that training forward number <paramref name="forward"/> (from 0) draws: a function of the seed buffer.</summary>
    public Tensor Anchors(long forward, long steps, long batch)
    {
        var (low, high) = AnchorRange(steps);
        using var generator = new Generator(Mix((ulong)_seed.item<long>(), (ulong)forward), torch.CPU);
        return torch.randint(low, high + 1, [_spec.AuxAnchors, batch], ScalarType.Int64, generator: generator);
    }

    /// <summary>SplitMix64 of seed + (forward + 1)·γ: well-spread generator seeds for consecutive forwards.</summary>
    static ulong Mix(ulong seed, ulong forward)
    {
        unchecked
        {
            ulong z = seed + (forward + 1) * 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    Tensor Loss(Tape tape, Tensor x, Tensor anchors, Func<Tensor, RecurrentState, RecurrentState> recur)
    {
        long steps = x.shape[0], batch = x.shape[1], features = x.shape[2], length = _spec.AuxLength, tau = _spec.AuxTruncate;
        var a = anchors.reshape(-1);
        long rows = a.shape[0];
        // Row r of the batched auxiliary run is anchor r / B of batch element r % B; tensors are read by flat (step·B + column) rows.
        var column = torch.arange(batch, ScalarType.Int64, _device).repeat(anchors.shape[0]);
        var flatX = x.reshape(steps * batch, features);
        // States after steps −1 … T−1: the state after step t is entry t + 1.
        var hidden = torch.stack(tape.Hidden).reshape((steps + 1) * batch, -1);
        var cell = torch.stack(tape.Cell).reshape((steps + 1) * batch, -1);
        var startHidden = hidden.index_select(0, (a + 1) * batch + column);
        var startCell = cell.index_select(0, (a + 1) * batch + column);

        var first = a - tau + 1;
        var truncated = first.gt(0).nonzero().reshape(-1);
        if (truncated.shape[0] > 0)
        {
            var from = first.index_select(0, truncated);
            var columns = column.index_select(0, truncated);
            var window = Rows(flatX, from, columns, tau, batch);
            // Entry `from` is the state after step from − 1 = a − τ; detached, so the gradient stops there.
            var origin = new RecurrentState(hidden.index_select(0, from * batch + columns).detach(), cell.index_select(0, from * batch + columns).detach());
            _recomputing = true;
            RecurrentState recomputed;
            try { recomputed = recur(window, origin); }
            finally { _recomputing = false; }
            startHidden = startHidden.index_copy(0, truncated, recomputed.Parts[0]);
            startCell = startCell.index_copy(0, truncated, recomputed.Parts[1]);
        }

        long targets = _predict ? length : length - 1;
        var segment = _predict ? a : a - length + 1;
        var feed = Rows(flatX, segment, column, targets, batch);
        var predicted = Decode(feed, startHidden, startCell);
        var targetRows = RowIndex(segment + 1, column, targets, batch).reshape(-1);
        switch (_spec.InputKind)
        {
            case "real":
                return nn.functional.mse_loss(predicted, flatX.index_select(0, targetRows).detach().reshape(targets, rows, features));
            case "one_hot":
                return nn.functional.cross_entropy(predicted.reshape(targets * rows, -1), flatX.index_select(0, targetRows).argmax(1));
            default:
                var ids = RawInput ?? throw new InvalidOperationException("token targets need the raw input of the forward");
                return nn.functional.cross_entropy(predicted.reshape(targets * rows, -1), ids.reshape(-1).index_select(0, targetRows));
        }
    }

    /// <summary>Flat row indices (count, R) of steps start + s, s = 0 … count − 1, of the given batch columns.</summary>
    static Tensor RowIndex(Tensor start, Tensor columns, long count, long batch)
        => (start.unsqueeze(0) + torch.arange(count, ScalarType.Int64, start.device).unsqueeze(1)) * batch + columns.unsqueeze(0);

    /// <summary>The inputs of steps start … start + count − 1 of the given columns: (count, R, I).</summary>
    static Tensor Rows(Tensor flat, Tensor start, Tensor columns, long count, long batch)
        => flat.index_select(0, RowIndex(start, columns, count, batch).reshape(-1)).reshape(count, start.shape[0], flat.shape[1]);

    /// <summary>The auxiliary LSTM, teacher-forced on <paramref name="feed"/> (S, R, I) from (h, c), decoded: (S, R, classes).</summary>
    Tensor Decode(Tensor feed, Tensor hidden, Tensor cell)
    {
        var projected = nn.functional.linear(feed, _weightIh, _biasIh + _biasHh);
        var whhT = _weightHh.t();
        var inputs = projected.unbind(0);
        var outputs = new Tensor[inputs.Length];
        for (int s = 0; s < inputs.Length; s++)
        {
            var z = (inputs[s] + hidden.matmul(whhT)).chunk(4, 1);
            cell = z[1].sigmoid() * cell + z[0].sigmoid() * z[2].tanh();
            hidden = z[3].sigmoid() * cell.tanh();
            outputs[s] = hidden;
        }
        return nn.functional.linear(torch.stack(outputs), _decoderWeight, _decoderBias);
    }
}
