using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>lstm (docs/models.md §2.7): one learning rate; takes chrono, KAF gates and the auxiliary losses.</summary>
public sealed class LstmKind : ModelKind
{
    public override string Name => "lstm";
    public override int ReportPosition => 5;
    public override bool UsesRecurrentRate => false;
    public override string AutoNonlinear => "modrelu";
    public override IReadOnlyList<string> Nonlinears => ["modrelu"];
    public override bool HasGates => true;
    public override bool HasKafGates => true;
    public override bool HasAuxiliaryLoss => true;
    public override SequenceModel Create(ModelSpec spec, Generator generator, Device device) => new Lstm(spec, generator, device);
}

/// <summary>
/// The reference's LSTM (docs/models.md §2.7): PyTorch LSTMCell semantics, gates (i, f, g, o), two bias vectors, every
/// weight and bias U(-1/sqrt H, 1/sqrt H), then the forget slice [H, 2H) of both biases set to forget_bias / 2.
/// lstm_readout: hidden decodes h_t (a standard LSTM); cell decodes c_t (the reference's quirk, for its numbers).
/// All parameters are in the main group. chrono: true replaces the bias initialisation by <see cref="ChronoInit.Lstm"/>
/// (forget_bias is then unused). gate kaf: i, f and o become KAF gates (<see cref="KafGates"/>, docs/models.md §2.13), g keeps tanh.
/// Fused (docs/models.md §8.6): nn.LSTM (cuDNN on CUDA) with these very weights, where h is decoded or only the last c;
/// decoding c at every step keeps the cell loop, since the fused LSTM returns c for the last step only. With KAF gates the
/// fused kernel cannot be used: the per-step loop runs whatever Fused says.
/// aux reconstruct | predict adds the auxiliary losses of Trinh et al. (<see cref="AuxiliaryLoss"/>, docs/models.md §2.14): its network
/// is registered here (main group, counted in the parameter count), and the model then runs its per-step loop.
/// </summary>
public sealed class Lstm : RecurrentNetwork
{
    readonly Parameter _weightIh, _weightHh, _biasIh, _biasHh;
    readonly bool _decodeCell;
    readonly FusedKernel? _fused;
    readonly KafGates? _kaf;
    readonly AuxiliaryLoss? _aux;

    public Lstm(ModelSpec spec, Generator g, Device device) : base("Lstm", spec, g, device)
    {
        long h = spec.HiddenSize, i = spec.InputSize;
        var dtype = spec.DType;
        var (wih, whh, bih, bhh) = LstmWeights.Draw(i, h, spec, g);
        _weightIh = Main("weight_ih", wih);
        _weightHh = Main("weight_hh", whh);
        _biasIh = Main("bias_ih", bih);
        _biasHh = Main("bias_hh", bhh);
        _decodeCell = spec.LstmReadout == "cell";
        if (spec.Gate == "kaf") _kaf = new KafGates(spec, ["i", "f", "o"], (name, value) => Main(name, value), g, device);
        else if (spec.Gate != "sigmoid") throw new ArgumentException($"unknown gate '{spec.Gate}' (expected sigmoid or kaf)");
        if (spec.Aux != "none") _aux = new AuxiliaryLoss(spec, g, device, Main, (name, t) => register_buffer(name, t));
        // KAF gates have no fused kernel, and the auxiliary loss needs the state of every step, which the fused kernel does not give.
        if (spec.Fused && _kaf is null && _aux is null) _fused = FusedKernel.Lstm(i, h, device, dtype);
    }

    protected override (Tensor Outputs, RecurrentState State) Recur(Tensor x, RecurrentState? state, bool allSteps)
    {
        long steps = x.shape[0], batch = x.shape[1], h = Spec.HiddenSize;
        var hidden = state?.Parts[0] ?? torch.zeros([batch, h], Spec.DType, Device);
        var cell = state?.Parts[1] ?? torch.zeros([batch, h], Spec.DType, Device);
        // The fused LSTM returns h_t of every step but c_t of the last only (docs/models.md §8.6): decoding c at every step keeps the loop.
        if (_fused is not null && !(_decodeCell && allSteps))
        {
            var (output, final) = _fused.Run(x, [hidden, cell], _weightIh, _weightHh, _biasIh, _biasHh);
            var decoded = allSteps ? output : _decodeCell ? final[1] : final[0];
            return (decoded, new RecurrentState(final[0], final[1]));
        }
        var tape = _aux?.Begin(hidden, cell);
        var projected = nn.functional.linear(x, _weightIh, _biasIh + _biasHh);
        var whhT = _weightHh.t();
        var kafAlphas = _kaf?.Alphas();
        // unbind, not projected[t]: per-step indexing makes the backward pass quadratic in the sequence length.
        var inputs = projected.unbind(0);
        var outputs = allSteps ? new Tensor[steps] : null;
        for (long t = 0; t < steps; t++)
        {
            var gates = (inputs[t] + hidden.matmul(whhT)).chunk(4, 1);
            var sigmoids = _kaf?.Gates(kafAlphas!, torch.cat([gates[0], gates[1], gates[3]], 1))
                ?? [gates[0].sigmoid(), gates[1].sigmoid(), gates[3].sigmoid()];
            var (input, forget, output) = (sigmoids[0], sigmoids[1], sigmoids[2]);
            var candidate = gates[2].tanh();
            cell = forget * cell + input * candidate;
            hidden = output * cell.tanh();
            if (outputs is not null) outputs[t] = _decodeCell ? cell : hidden;
            tape?.Add(hidden, cell);
        }
        if (tape is not null) _aux!.End(tape, x, (window, origin) => Recur(window, origin, false).State);
        var last = _decodeCell ? cell : hidden;
        return (outputs is not null ? torch.stack(outputs) : last, new RecurrentState(hidden, cell));
    }

    /// <summary>The auxiliary network, when aux is on (tests fix its anchors through it).</summary>
    internal AuxiliaryLoss? Auxiliary => _aux;

    /// <summary>Hands the raw input (PTB's token ids, the auxiliary targets) to the auxiliary loss: the base class embeds it before Recur.</summary>
    public override (Tensor Output, RecurrentState State) Forward(Tensor input, RecurrentState? state, Readout readout)
    {
        if (_aux is null) return base.Forward(input, state, readout);
        _aux.RawInput = input;
        try { return base.Forward(input, state, readout); }
        finally { _aux.RawInput = null; }
    }

    /// <summary>The weighted auxiliary loss of the training forward just run (null without aux or after an evaluation forward); read once.</summary>
    public override Tensor? RegularizationLoss() => _aux?.Take();

    public override void OnParametersUpdated() { }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _fused?.Dispose();
        base.Dispose(disposing);
    }
}
