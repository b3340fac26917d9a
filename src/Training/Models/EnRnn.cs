using AsRnnGrid.Training.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>enrnn (docs/models.md §2.9): modReLU of its own, A1 at rmsprop_constr_lr, hidden_size = n1 + n2.</summary>
public sealed class EnRnnKind : ModelKind
{
    public override string Name => "enrnn";
    public override int ReportPosition => 7;
    public override bool UsesRecurrentRate => true;
    public override string AutoNonlinear => "modrelu";
    public override IReadOnlyList<string> Nonlinears => ["modrelu"];
    public override string? OwnNonlinearity => "modrelu";

    public override void Check(RunConfig c)
    {
        if (c.EnrnnN2 >= c.HiddenSize)
            throw new ConfigurationException($"enrnn_n2 ({c.EnrnnN2}) must be below hidden_size ({c.HiddenSize}): hidden_size = n1 + n2 with n1 at least 1");
        if (c.EnrnnNegOnes > c.HiddenSize - c.EnrnnN2)
            throw new ConfigurationException($"enrnn_neg_ones ({c.EnrnnNegOnes}) exceeds n1 = hidden_size - enrnn_n2 = {c.HiddenSize - c.EnrnnN2}");
    }

    public override SequenceModel Create(ModelSpec spec, Generator generator, Device device) => new EnRnn(spec, generator, device);
}

/// <summary>
/// ENRNN (Helfrich &amp; Ye, AAAI 2020; docs/models.md §2.9), the coupled variant in row form (h W, no transpose). The state splits
/// into h = [h1 (n1), h2 (n2)], H = n1 + n2, n2 = <see cref="ModelSpec.EnrnnN2"/>:
/// z_t = x_t U + h_{t-1} W_full, W_full = [[W1, 0], [W3, W̄2]] (rows: h1, h2), h_t = modReLU(z_t, b).
/// <list type="bullet">
/// <item>W1 = cay(A1) D1, A1 a static Cayley <see cref="Orthogonal"/> in the recurrent group (rmsprop_constr_lr, EN's A_lr;
/// autograd through the solve equals scoRNN's closed-form update, §8.10); A1 starts from EN's Cayley init with positive
/// superdiagonal tan(u/2), u ~ U(0, π/2) ("cayley_positive", §3), whatever <see cref="ModelSpec.Init"/> says; D1 has
/// <see cref="ModelSpec.EnrnnNegOnes"/> entries -1 at the end.</item>
/// <item>W2: a free n2 x n2 main-group matrix, init cay(A2) D2 with A2 like A1 and D2 = diag of U(-1, 1) values repeated in
/// pairs (odd n2: one more value drawn after them and prepended), so ρ(W2) &lt; 1 at init.</item>
/// <item>W̄2 = W2 / ρ(W2) once ρ(W2) &gt; 1 has happened, W2 before; the sticky flag is the buffer "normalised", so a
/// checkpoint keeps it. When: at every forward, before W_full is built, ρ(W2) is computed under no-grad and sets the flag
/// if above 1, and the same forward already uses W̄2 = W2/ρ. This equals EN's cadence (it normalises right after each
/// optimiser step, the next forward uses the result); an evaluation pass only repeats the check on unchanged weights.</item>
/// <item>The gradient through ρ is exact autograd (see <see cref="SpectralRadius"/>): it equals EN's hand-written
/// chain rule (1/ρ)(G - ⟨G, W̄2⟩ ∂ρ/∂W2) at a simple largest-modulus eigenvalue.</item>
/// <item>W3: n2 x n1 Glorot-uniform; U: I x H ~ U(-0.01, 0.01); modReLU bias b = 0 (EN, §2.1).</item>
/// </list>
/// <see cref="ParameterCount"/> counts A1 as n1(n1-1)/2 and every other parameter in full. With
/// <see cref="ModelSpec.Fused"/> the recurrence runs the lean modReLU loop of <see cref="ModReluRecurrence"/>.
/// </summary>
public sealed class EnRnn : RecurrentNetwork
{
    readonly long _n1, _n2;
    readonly Orthogonal _a1;
    readonly Parameter _w2, _w3, _inputWeight, _modReluBias;
    readonly Tensor _d1, _normalised;

    public EnRnn(ModelSpec spec, Generator g, Device device) : base("EnRnn", spec, g, device)
    {
        long h = spec.HiddenSize, i = spec.InputSize;
        _n2 = spec.EnrnnN2;
        _n1 = h - _n2;
        if (_n2 < 1 || _n1 < 1) throw new ArgumentException($"enrnn needs 1 <= enrnn_n2 < hidden_size, got n2 = {_n2}, hidden_size = {h}");
        if (spec.EnrnnNegOnes < 0 || spec.EnrnnNegOnes > _n1)
            throw new ArgumentException($"enrnn_neg_ones ({spec.EnrnnNegOnes}) must lie in [0, n1 = {_n1}]");
        var dtype = spec.DType;
        // EN's draw order: A1, A2, D2 (pairs, then the odd one), W3, U.
        _a1 = AddOrthogonal("a1", Initializers.SkewInit("cayley_positive", _n1, dtype, g), recurrentGroup: true, map: "cayley", dynamic: false);
        var d1 = torch.ones(_n1, dtype);
        if (spec.EnrnnNegOnes > 0) d1[TensorIndex.Slice(_n1 - spec.EnrnnNegOnes, _n1)] = torch.tensor(-1.0).to(dtype);
        _d1 = d1.to(device);
        register_buffer("d1", _d1);
        var a2 = Initializers.SkewInit("cayley_positive", _n2, ScalarType.Float64, g);
        var d2 = Initializers.Uniform([_n2 / 2], -1, 1, ScalarType.Float64, g).repeat_interleave(2);
        if (_n2 % 2 != 0) d2 = torch.cat([Initializers.Uniform([1], -1, 1, ScalarType.Float64, g), d2]);
        var eye = torch.eye(_n2, dtype: ScalarType.Float64);
        _w2 = Main("w2", (torch.linalg.solve(eye + a2, eye - a2) * d2.unsqueeze(0)).to(dtype));
        _w3 = Main("w3", Initializers.XavierUniform(_n2, _n1, dtype, g));
        _inputWeight = Main("input_weight", Initializers.Uniform([i, h], -0.01, 0.01, dtype, g));
        _modReluBias = Main("modrelu_bias", torch.zeros(h, dtype));
        _normalised = torch.zeros(1, ScalarType.Int64, device);
        register_buffer("normalised", _normalised);
    }

    /// <summary>Whether ρ(W2) &gt; 1 has happened (from then on W̄2 = W2 / ρ(W2)).</summary>
    public bool Normalised => _normalised.item<long>() != 0;

    /// <summary>W1 = cay(A1) D1.</summary>
    public Tensor ScoRnnBlock() => _a1.Matrix() * _d1.unsqueeze(0);

    /// <summary>W̄2 for this forward pass; first sets the sticky flag if ρ(W2) &gt; 1.</summary>
    public Tensor NormalisedBlock()
    {
        var (values, vectors) = Eigen(_w2);
        if (!Normalised && values.abs().max().ToDouble() > 1)
        {
            using var _ = torch.no_grad();
            _normalised.fill_(1);
        }
        return Normalised ? _w2 / SpectralRadius(_w2, values, vectors) : _w2;
    }

    /// <summary>W_full = [[W1, 0], [W3, W̄2]], so that z gets h W_full.</summary>
    public Tensor RecurrentMatrix()
    {
        var w1 = ScoRnnBlock();
        var top = torch.cat([w1, torch.zeros([_n1, _n2], w1.dtype, w1.device)], 1);
        var bottom = torch.cat([(Tensor)_w3, NormalisedBlock()], 1);
        return torch.cat([top, bottom], 0);
    }

    protected override (Tensor Outputs, RecurrentState State) Recur(Tensor x, RecurrentState? state, bool allSteps)
    {
        long batch = x.shape[1], h = Spec.HiddenSize;
        var projected = x.matmul(_inputWeight);
        var hidden = state?.Parts[0] ?? torch.zeros([batch, h], Spec.DType, Device);
        var (outputs, last) = ModReluRecurrence.Run(projected, RecurrentMatrix(), _modReluBias, hidden, allSteps, lean: Spec.Fused);
        return (outputs, new RecurrentState(last));
    }

    /// <summary>The spectral radius ρ(W) with its exact gradient (see the overload); W real and square.</summary>
    public static Tensor SpectralRadius(Tensor w)
    {
        var (values, vectors) = Eigen(w);
        return SpectralRadius(w, values, vectors);
    }

    static (Tensor Values, Tensor Vectors) Eigen(Tensor w)
    {
        using var _ = torch.no_grad();
        return torch.linalg.eig(w.detach());
    }

    /// <summary>
    /// ρ(W) = |λ1| as a function autograd differentiates exactly. With x the right eigenvector of λ1 (the eigenvalue of
    /// largest modulus) and yᵀ the matching row of X⁻¹ (X the eigenvector matrix, so yᵀ W = λ1 yᵀ), both held constant,
    /// λ1 = yᵀ W x / (yᵀ x) for the true W, and the first-order change of the right side is yᵀ dW x / (yᵀ x), which is
    /// dλ1 for a simple λ1. The complex products are written with the real and imaginary parts, in real tensor ops.
    /// For a complex pair either member gives the same ρ and the same gradient (W is real).
    /// </summary>
    static Tensor SpectralRadius(Tensor w, Tensor values, Tensor vectors)
    {
        Tensor xr, xi, yr, yi;
        using (torch.no_grad())
        {
            long index = values.abs().argmax().ToInt64();
            var x = vectors.select(1, index);
            var y = torch.linalg.inv(vectors).select(0, index);
            xr = x.real.contiguous(); xi = x.imag.contiguous();
            yr = y.real.contiguous(); yi = y.imag.contiguous();
        }
        var wxr = w.matmul(xr);
        var wxi = w.matmul(xi);
        var numeratorRe = yr.dot(wxr) - yi.dot(wxi);
        var numeratorIm = yr.dot(wxi) + yi.dot(wxr);
        var denominatorRe = yr.dot(xr) - yi.dot(xi);
        var denominatorIm = yr.dot(xi) + yi.dot(xr);
        // |a / c| = |a| / |c|.
        return (numeratorRe.square() + numeratorIm.square()).sqrt() / (denominatorRe.square() + denominatorIm.square()).sqrt();
    }

    public override void OnParametersUpdated() => _a1.Invalidate();
}
