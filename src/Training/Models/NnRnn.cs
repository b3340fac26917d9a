using AsRnnGrid.Training.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>nnrnn (docs/models.md §2.8): modReLU of its own, the recurrent group at rmsprop_constr_lr, an even hidden size.</summary>
public sealed class NnRnnKind : ModelKind
{
    public override string Name => "nnrnn";
    public override int ReportPosition => 6;
    public override bool UsesRecurrentRate => true;
    public override string AutoNonlinear => "modrelu";
    public override IReadOnlyList<string> Nonlinears => ["modrelu"];
    public override string? OwnNonlinearity => "modrelu";

    public override void Check(RunConfig c)
    {
        if (c.HiddenSize % 2 != 0)
            throw new ConfigurationException($"nnrnn needs an even hidden_size (its rotations are 2 x 2 blocks), got {c.HiddenSize}");
    }

    public override SequenceModel Create(ModelSpec spec, Generator generator, Device device) => new NnRnn(spec, generator, device);
}

/// <summary>
/// nnRNN (Kerg et al. 2019; docs/models.md §2.8), row form: h_t = modReLU(x_t Uᵀ + h_{t-1} V), with the non-normal recurrent matrix
/// in its Schur-like form V = P (T ⊙ M_&lt; + Γ ⊙ R) Pᵀ, built once per forward pass (per PTB window).
/// <list type="bullet">
/// <item>P = exp(sk Λ_P): a static exp <see cref="Orthogonal"/>; Λ_P is the only parameter of the recurrent group
/// (rmsprop_constr_lr, the paper's lr_orth). Autograd through matrix_exp gives the gradient of the code's closed-form
/// expRNN-v1 conversion (docs/models.md §8.10).</item>
/// <item>Λ_P starts from the skew initialiser <see cref="ModelSpec.Init"/> (Henaff or Cayley, this project's §3 versions):
/// the paper's intent. The published code passes the initialiser's output to a function that ignores it and leaves Λ_P
/// as uninitialised memory (docs/models.md §2.8, §9.10); NN's own Henaff draws U(-π, 0), ours U(-π, π).</item>
/// <item>T: H x H, zero at init, of which only the strict upper triangle is used (T ⊙ M_&lt; is taken as triu_1(T), the
/// same values and the same masked gradient). It is alone in the group "t", the only one with weight decay (Tdecay,
/// PyTorch's λT added to the gradient). It counts H(H-1)/2 in <see cref="ParameterCount"/>, as a skew parameter does:
/// the other entries never receive a gradient, and their decay keeps them at their initial zero. M_&lt; also covers the
/// upper right entry (2i, 2i+1) of each rotation block, so T adds to it there (as in the code and the paper's formula).</item>
/// <item>Γ ⊙ R: H/2 blocks γ_i [[cos θ_i, -sin θ_i], [sin θ_i, cos θ_i]] on the diagonal, θ_i ~ U(0, 6.28), γ_i = 1 at init.
/// The code allocates H angles and uses the first H/2; we allocate H/2. H must be even.</item>
/// <item>U: H x I without bias, Xavier-normal (Kaiming-normal when there is an embedding, as NN's PTB script);
/// modReLU bias U(-0.01, 0.01).</item>
/// </list>
/// <see cref="RegularizationLoss"/> adds δ Σ_i (γ_i - 1)² (the script's alam). With <see cref="ModelSpec.Fused"/> the
/// recurrence runs the lean modReLU loop of <see cref="ModReluRecurrence"/>.
/// </summary>
public sealed class NnRnn : RecurrentNetwork
{
    readonly Parameter _inputWeight, _modReluBias, _theta, _gamma, _t;
    readonly Orthogonal _p;

    public NnRnn(ModelSpec spec, Generator g, Device device) : base("NnRnn", spec, g, device)
    {
        long h = spec.HiddenSize, i = spec.InputSize;
        if (h % 2 != 0) throw new ArgumentException($"nnrnn needs an even hidden_size (2 x 2 rotation blocks), got {h}");
        var dtype = spec.DType;
        _inputWeight = Main("input_weight", spec.VocabularySize > 0
            ? Initializers.KaimingNormal(h, i, dtype, g)
            : Initializers.XavierNormal(h, i, dtype, g));
        _modReluBias = Main("modrelu_bias", Initializers.Uniform([h], -0.01, 0.01, dtype, g));
        _theta = Main("theta", Initializers.Uniform([h / 2], 0, 6.28, dtype, g));
        _gamma = Main("gamma", torch.ones(h / 2, dtype));
        _t = Add("t", torch.zeros([h, h], dtype), "t", GroupRate.Main, spec.TDecay);
        CountAs(_t, h * (h - 1) / 2);
        _p = AddOrthogonal("log_p", Initializers.SkewInit(spec.Init, h, dtype, g), recurrentGroup: true, map: "exp", dynamic: false);
    }

    /// <summary>P = exp(sk Λ_P), orthogonal.</summary>
    public Tensor Basis() => _p.Matrix();

    /// <summary>Γ ⊙ R: the 2 x 2 blocks γ_i R(θ_i) on the diagonal, zero elsewhere (built from three diagonals, differentiably).</summary>
    public Tensor ScaledRotations()
    {
        long h = Spec.HiddenSize;
        var cos = _theta.cos() * _gamma;
        var sin = _theta.sin() * _gamma;
        var zero = torch.zeros_like(sin);
        // Main diagonal (c_0, c_0, c_1, c_1, ...); block i puts -γ sin at (2i, 2i+1) and γ sin at (2i+1, 2i), the
        // off-diagonals hold zeros between blocks.
        var diagonal = torch.stack([cos, cos], 1).reshape(-1);
        var upper = torch.stack([-sin, zero], 1).reshape(-1).narrow(0, 0, h - 1);
        var lower = torch.stack([sin, zero], 1).reshape(-1).narrow(0, 0, h - 1);
        return torch.diag(diagonal) + torch.diag(upper, 1) + torch.diag(lower, -1);
    }

    /// <summary>V = P (triu_1(T) + Γ ⊙ R) Pᵀ, so that z gets h V.</summary>
    public Tensor RecurrentMatrix()
    {
        var p = Basis();
        return p.matmul(_t.triu(1) + ScaledRotations()).matmul(p.t());
    }

    protected override (Tensor Outputs, RecurrentState State) Recur(Tensor x, RecurrentState? state, bool allSteps)
    {
        long batch = x.shape[1], h = Spec.HiddenSize;
        // §8.1: the input projection of all steps in one product; §8.2: V once per forward.
        var projected = nn.functional.linear(x, _inputWeight);
        var hidden = state?.Parts[0] ?? torch.zeros([batch, h], Spec.DType, Device);
        var (outputs, last) = ModReluRecurrence.Run(projected, RecurrentMatrix(), _modReluBias, hidden, allSteps, lean: Spec.Fused);
        return (outputs, new RecurrentState(last));
    }

    /// <summary>δ Σ_i (γ_i - 1)²: depends on γ only, so it is computed when read (once per step); null when δ = 0.</summary>
    public override Tensor? RegularizationLoss() => Spec.Delta > 0 ? (_gamma - 1).square().sum() * Spec.Delta : null;

    public override void OnParametersUpdated() => _p.Invalidate();
}
