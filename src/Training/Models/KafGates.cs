using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// Flexible gates with kernel activation functions (Scardapane et al., arXiv 1807.04065; docs/models.md §2.13): a sigmoid gate σ(s)
/// becomes σ(½ KAF(s) + ½ s) with KAF(s)_j = Σ_i α_{j,i} exp(−γ (s_j − d_i)²), one α ∈ R^{H×D} per gate (main group).
/// The dictionary d is D = KafSize points evenly spaced in [−KafBoundary, KafBoundary], γ = 1 / (2σ²) with σ = 2Δ (Δ the
/// spacing): the authors' KAF library, verified. [unverified: the gate form σ(½ KAF(s) + ½ s), the residual skip, and the
/// dictionary size, range and initialisation of the gated-RNN paper; the library's defaults D = 20, boundary 3 are used.]
/// Initialisation: "identity" fits f(s) = s by the library's kernel ridge regression α = (K + 10⁻⁵·11ᵀ)⁻¹ f(d) (the library adds
/// 10⁻⁵ to every entry of K, not to its diagonal), the same row for every neuron, so every gate starts close to the plain σ(s)
/// on the dictionary range (outside it KAF(s) decays to 0, giving σ(s/2)); at D = 20, boundary 3: |KAF(s) − s| ≤ 7·10⁻⁴ on
/// [−2.5, 2.5], 4·10⁻³ on [−3, 3]. K is ill-conditioned (the 10⁻⁵ on every entry is a rank-one shift, not a ridge), so α has
/// entries of a few hundred that largely cancel. The library solves in float32; this solves in float64. "normal": α ~ N(0, 0.3²) entry-wise, drawn from the model's generator.
/// </summary>
public sealed class KafGates
{
    readonly Tensor _dictionary;
    readonly double _gamma;
    readonly Parameter[] _alpha;

    /// <summary>
    /// One α per name, registered in gate order through <paramref name="register"/> (the model's main group) as "kaf_alpha_{name}".
    /// </summary>
    public KafGates(ModelSpec spec, IReadOnlyList<string> gates, Func<string, Tensor, Parameter> register, Generator g, Device device)
    {
        if (spec.KafSize < 2) throw new ArgumentException($"kaf_size must be at least 2, got {spec.KafSize}");
        if (!(spec.KafBoundary > 0)) throw new ArgumentException($"kaf_boundary must be positive, got {spec.KafBoundary}");
        long h = spec.HiddenSize, d = spec.KafSize;
        var dictionary = Dictionary(d, spec.KafBoundary);
        _gamma = Gamma(d, spec.KafBoundary);
        _dictionary = dictionary.to(spec.DType).to(device);
        _alpha = gates.Select(name => register($"kaf_alpha_{name}", spec.KafInit switch
        {
            "identity" => IdentityCoefficients(dictionary, _gamma).to(spec.DType).unsqueeze(0).expand(h, d).contiguous(),
            "normal" => Initializers.Normal([h, d], 0.3, spec.DType, g),
            _ => throw new ArgumentException($"unknown kaf_init '{spec.KafInit}' (expected identity or normal)"),
        })).ToArray();
    }

    /// <summary>The fixed dictionary: <paramref name="size"/> points evenly spaced in [−boundary, boundary], float64.</summary>
    public static Tensor Dictionary(long size, double boundary)
        => torch.linspace(-boundary, boundary, size, ScalarType.Float64);

    /// <summary>γ = 1 / (2σ²), σ = 2Δ, Δ = 2·boundary / (size − 1).</summary>
    public static double Gamma(long size, double boundary)
    {
        double sigma = 2 * (2 * boundary / (size - 1));
        return 0.5 / (sigma * sigma);
    }

    /// <summary>The library's kernel ridge regression to f(s) = s: α = (K + 10⁻⁵·11ᵀ)⁻¹ d, K_ij = exp(−γ (d_i − d_j)²), in float64.</summary>
    public static Tensor IdentityCoefficients(Tensor dictionary, double gamma)
    {
        using var scope = torch.NewDisposeScope();
        var kernel = (-(dictionary.unsqueeze(1) - dictionary.unsqueeze(0)).square() * gamma).exp();
        return torch.linalg.solve(kernel + 1e-5, dictionary).MoveToOuterDisposeScope();
    }

    /// <summary>α of gate <paramref name="gate"/> (H × D).</summary>
    public Parameter Alpha(int gate) => _alpha[gate];

    /// <summary>Every gate's α stacked (G·H × D), in gate order: take it once per forward for <see cref="Gates"/>.</summary>
    public Tensor Alphas() => _alpha.Length == 1 ? _alpha[0] : torch.cat(_alpha);

    /// <summary>Σ_i α_{j,i} exp(−γ (s_j − d_i)²) for pre-activations s (B × N) and coefficients α (N × D).</summary>
    Tensor Kaf(Tensor s, Tensor alpha) => ((s.unsqueeze(-1) - _dictionary).square() * -_gamma).exp().mul(alpha).sum(-1);

    /// <summary>KAF(s) of gate <paramref name="gate"/> for pre-activations s (B × H).</summary>
    public Tensor Kaf(int gate, Tensor s) => Kaf(s, _alpha[gate]);

    /// <summary>The gate value σ(½ KAF(s) + ½ s) of gate <paramref name="gate"/>.</summary>
    public Tensor Gate(int gate, Tensor s) => (0.5 * (Kaf(s, _alpha[gate]) + s)).sigmoid();

    /// <summary>
    /// Every gate at once, one kernel expansion over B × G·H rather than G of them (fewer operations per step):
    /// <paramref name="s"/> holds the G gates' pre-activations side by side in gate order, <paramref name="alphas"/> comes
    /// from <see cref="Alphas"/>; returns the G gate values.
    /// </summary>
    public Tensor[] Gates(Tensor alphas, Tensor s) => (0.5 * (Kaf(s, alphas) + s)).sigmoid().chunk(_alpha.Length, 1);
}
