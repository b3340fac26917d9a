using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>gru (docs/models.md §2.11): gates of its own, one learning rate; takes chrono and KAF gates.</summary>
public sealed class GruKind : ModelKind
{
    public override string Name => "gru";
    public override int ReportPosition => 9;
    public override bool UsesRecurrentRate => false;
    public override string AutoNonlinear => "none";
    public override string? OwnNonlinearity => "its gates";
    public override bool HasGates => true;
    public override bool HasKafGates => true;
    public override SequenceModel Create(ModelSpec spec, Generator generator, Device device) => new Gru(spec, generator, device);
}

/// <summary>
/// A GRU with PyTorch's GRUCell semantics: gates (r, z, n), two bias vectors,
/// r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr), z = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz), n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)),
/// h' = (1 − z) ⊙ n + z ⊙ h. Every weight and bias U(−1/√H, 1/√H) (PyTorch's default), drawn in the order w_ih, w_hh, b_ih, b_hh.
/// chrono: true replaces both bias vectors by <see cref="ChronoInit.Gru"/> (docs/models.md §2.11: b_z ~ log U(1, T_max − 1) in b_ih, all else 0).
/// gate kaf: r and z become KAF gates (<see cref="KafGates"/>, docs/models.md §2.13); the candidate n keeps tanh.
/// All parameters are in the main group; h_t is decoded.
/// Fused: nn.GRU (cuDNN on CUDA) with these very weights; with KAF gates the fused kernel cannot be used and the per-step
/// loop runs whatever Fused says.
/// </summary>
public sealed class Gru : RecurrentNetwork
{
    readonly Parameter _weightIh, _weightHh, _biasIh, _biasHh;
    readonly KafGates? _kaf;
    readonly FusedKernel? _fused;

    public Gru(ModelSpec spec, Generator g, Device device) : base("Gru", spec, g, device)
    {
        long h = spec.HiddenSize, i = spec.InputSize;
        var dtype = spec.DType;
        var wih = Initializers.DefaultLinear([3 * h, i], h, dtype, g);
        var whh = Initializers.DefaultLinear([3 * h, h], h, dtype, g);
        var bih = Initializers.DefaultLinear([3 * h], h, dtype, g);
        var bhh = Initializers.DefaultLinear([3 * h], h, dtype, g);
        if (spec.Chrono) (bih, bhh) = ChronoInit.Gru(h, spec.TMax, dtype, g);
        _weightIh = Main("weight_ih", wih);
        _weightHh = Main("weight_hh", whh);
        _biasIh = Main("bias_ih", bih);
        _biasHh = Main("bias_hh", bhh);
        _kaf = spec.Gate switch
        {
            "sigmoid" => null,
            "kaf" => new KafGates(spec, ["r", "z"], (name, value) => Main(name, value), g, device),
            _ => throw new ArgumentException($"unknown gate '{spec.Gate}' (expected sigmoid or kaf)"),
        };
        if (spec.Fused && _kaf is null) _fused = FusedKernel.Gru(i, h, device, dtype);
    }

    protected override (Tensor Outputs, RecurrentState State) Recur(Tensor x, RecurrentState? state, bool allSteps)
    {
        long steps = x.shape[0], batch = x.shape[1], h = Spec.HiddenSize;
        var hidden = state?.Parts[0] ?? torch.zeros([batch, h], Spec.DType, Device);
        if (_fused is not null)
        {
            var (output, final) = _fused.Run(x, [hidden], _weightIh, _weightHh, _biasIh, _biasHh);
            return (allSteps ? output : final[0], new RecurrentState(final[0]));
        }
        // §8.1: the input terms of all steps in one product; b_hh stays per step, since r multiplies b_hn.
        var inputs = nn.functional.linear(x, _weightIh, _biasIh).unbind(0);
        var whhT = _weightHh.t();
        var kafAlphas = _kaf?.Alphas();
        var outputs = allSteps ? new Tensor[steps] : null;
        for (long t = 0; t < steps; t++)
        {
            var hh = hidden.matmul(whhT) + _biasHh;
            // r and z side by side, so that KAF gates take one kernel expansion for both.
            var rz = inputs[t].narrow(1, 0, 2 * h) + hh.narrow(1, 0, 2 * h);
            var gates = _kaf?.Gates(kafAlphas!, rz) ?? rz.sigmoid().chunk(2, 1);
            var candidate = (inputs[t].narrow(1, 2 * h, h) + gates[0] * hh.narrow(1, 2 * h, h)).tanh();
            hidden = candidate + gates[1] * (hidden - candidate);
            if (outputs is not null) outputs[t] = hidden;
        }
        return (outputs is not null ? torch.stack(outputs) : hidden, new RecurrentState(hidden));
    }

    public override void OnParametersUpdated() { }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _fused?.Dispose();
        base.Dispose(disposing);
    }
}
