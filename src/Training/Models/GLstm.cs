using AsRnnGrid.Training.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>glstm (docs/models.md §2.12): gates of its own, one learning rate, decodes h; takes chrono and its compute-budget loss.</summary>
public sealed class GLstmKind : ModelKind
{
    public override string Name => "glstm";
    public override int ReportPosition => 10;
    public override bool UsesRecurrentRate => false;
    public override string AutoNonlinear => "none";
    public override string? OwnNonlinearity => "its gates";
    public override bool HasGates => true;
    public override IReadOnlyList<(string Option, Func<RunConfig, bool> IsSet)> OwnOptions => [("glstm_budget", c => c.GlstmBudget > 0)];

    public override void Check(RunConfig c)
    {
        if (c.LstmReadout != "hidden")
            throw new ConfigurationException("model glstm decodes h: lstm_readout cell applies to model lstm only");
    }

    public override SequenceModel Create(ModelSpec spec, Generator generator, Device device) => new GLstm(spec, generator, device);
}

/// <summary>
/// g-LSTM (Thornton, Anumula, Liu, arXiv 1901.07334; docs/models.md §2.12, [unverified]): a standard LSTM whose update is gated per
/// neuron j by a Gaussian time gate of the step index t,
/// k_t^j = exp(−(t − μ_j)² / σ_j²),
/// ĉ_t = f ⊙ c_{t−1} + i ⊙ g,  ĥ_t = o ⊙ tanh(ĉ_t)  (the ordinary LSTM update, gates (i, f, g, o) as <see cref="Lstm"/>),
/// c_t = k_t ⊙ ĉ_t + (1 − k_t) ⊙ c_{t−1},  h_t = k_t ⊙ ĥ_t + (1 − k_t) ⊙ h_{t−1}.
/// Choices on the unverified points, each the best reading of the paper and of Phased LSTM, which it builds on:
/// <list type="bullet">
/// <item>The exponent has no factor 2 in the denominator, as the spec writes it; whether the paper has one is unverified
/// (a factor 2 only rescales σ).</item>
/// <item>ĥ_t uses the ungated ĉ_t (as Phased LSTM's h̃ uses c̃).</item>
/// <item>μ and σ are learnable, one per neuron, in the main group, σ parametrised directly (its sign is immaterial).
/// Init: μ_j = j · L / H, spread evenly over [0, L) with L = <see cref="ModelSpec.SequenceLength"/>, and
/// σ_j = <see cref="ModelSpec.GlstmSigma"/> · L (glstm_sigma, default 0.1).</item>
/// <item>t is the step index within one forward call, from 0: on PTB the gates restart at every bptt window (the
/// carried state continues, the clock does not).</item>
/// <item>Compute-budget loss λ Σ_t Σ_j k_t^j with λ = <see cref="ModelSpec.GlstmBudget"/> (off at 0), summed over the steps of
/// the forward and the neurons, not averaged (k does not depend on the batch). It is what
/// <see cref="RegularizationLoss"/> returns after a training forward (autograd on), read once; an evaluation forward
/// (no_grad) leaves none.</item>
/// <item>The temporal curriculum of the paper is not implemented.</item>
/// </list>
/// The cell weights are drawn as Lstm draws them (<see cref="LstmWeights"/>: PyTorch default with forget_bias split over the
/// two biases, or chrono), so one seed gives the same weights as an lstm. Decodes h (as lstm with lstm_readout hidden).
/// Per-step loop only: <see cref="ModelSpec.Fused"/> is ignored (no fused kernel has the time gate).
/// </summary>
public sealed class GLstm : RecurrentNetwork
{
    readonly Parameter _weightIh, _weightHh, _biasIh, _biasHh, _mu, _sigma;
    Tensor? _budget;

    public GLstm(ModelSpec spec, Generator g, Device device) : base("GLstm", spec, g, device)
    {
        if (spec.SequenceLength < 1) throw new ArgumentException($"glstm needs a sequence length of at least 1, got {spec.SequenceLength}");
        if (!(spec.GlstmSigma > 0)) throw new ArgumentException($"glstm_sigma must be positive, got {spec.GlstmSigma}");
        if (spec.GlstmBudget < 0) throw new ArgumentException($"glstm_budget must not be negative, got {spec.GlstmBudget}");
        long h = spec.HiddenSize;
        var (wih, whh, bih, bhh) = LstmWeights.Draw(spec.InputSize, h, spec, g);
        _weightIh = Main("weight_ih", wih);
        _weightHh = Main("weight_hh", whh);
        _biasIh = Main("bias_ih", bih);
        _biasHh = Main("bias_hh", bhh);
        double length = spec.SequenceLength;
        // Made in float64 for exact centres, then held in the model's dtype.
        _mu = Main("time_gate_mu", (torch.arange(h, ScalarType.Float64) * (length / h)).to(spec.DType));
        _sigma = Main("time_gate_sigma", torch.full(h, spec.GlstmSigma * length, ScalarType.Float64).to(spec.DType));
    }

    /// <summary>The time gates k_t^j = exp(−(t − μ_j)² / σ_j²) of steps t = 0 … steps − 1: (steps, H).</summary>
    public Tensor TimeGates(long steps)
    {
        var t = torch.arange(steps, Spec.DType, Device).unsqueeze(1);
        var d = t - _mu.unsqueeze(0);
        return (-(d * d) / (_sigma * _sigma).unsqueeze(0)).exp();
    }

    protected override (Tensor Outputs, RecurrentState State) Recur(Tensor x, RecurrentState? state, bool allSteps)
    {
        long steps = x.shape[0], batch = x.shape[1], h = Spec.HiddenSize;
        var hidden = state?.Parts[0] ?? torch.zeros([batch, h], Spec.DType, Device);
        var cell = state?.Parts[1] ?? torch.zeros([batch, h], Spec.DType, Device);
        var gates = TimeGates(steps);
        // Only a training forward leaves a budget term; an evaluation forward clears what a previous one left.
        _budget = torch.is_grad_enabled() && Spec.GlstmBudget > 0 ? Spec.GlstmBudget * gates.sum() : null;
        var projected = nn.functional.linear(x, _weightIh, _biasIh + _biasHh);
        var whhT = _weightHh.t();
        // unbind, not projected[t]: per-step indexing makes the backward pass quadratic in the sequence length.
        var inputs = projected.unbind(0);
        var k = gates.unbind(0);
        var outputs = allSteps ? new Tensor[steps] : null;
        for (long t = 0; t < steps; t++)
        {
            var z = (inputs[t] + hidden.matmul(whhT)).chunk(4, 1);
            var candidateCell = z[1].sigmoid() * cell + z[0].sigmoid() * z[2].tanh();
            var candidateHidden = z[3].sigmoid() * candidateCell.tanh();
            // lerp(old, new, k) = k·new + (1 − k)·old in one kernel; it returns new exactly at k = 1 (the LSTM bit for bit) and old at k = 0.
            cell = cell.lerp(candidateCell, k[t]);
            hidden = hidden.lerp(candidateHidden, k[t]);
            if (outputs is not null) outputs[t] = hidden;
        }
        return (outputs is not null ? torch.stack(outputs) : hidden, new RecurrentState(hidden, cell));
    }

    /// <summary>The budget term of the training forward just run (null when λ = 0 or after an evaluation forward); read once.</summary>
    public override Tensor? RegularizationLoss()
    {
        var budget = _budget;
        _budget = null;
        return budget;
    }

    public override void OnParametersUpdated() { }
}
