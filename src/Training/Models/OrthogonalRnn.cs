using AsRnnGrid.Training.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>The Elman models built as <see cref="OrthogonalRnn"/>: the recurrent kernel at rmsprop_constr_lr, a chosen nonlinearity.</summary>
public abstract class ElmanKind : ModelKind
{
    public override bool UsesRecurrentRate => true;
    public override string AutoNonlinear => "modrelu";

    public override void Validate(ModelSpec spec)
    {
        if (!Nonlinears.Contains(spec.Nonlinear)) throw new ArgumentException($"unknown nonlinearity '{spec.Nonlinear}'");
    }

    public override SequenceModel Create(ModelSpec spec, Generator generator, Device device) => new OrthogonalRnn(spec, generator, device);
}

/// <summary>The Elman models whose recurrent kernel is orthogonal (docs/models.md §2.2–§2.5): asRNN's saturation or modReLU.</summary>
public abstract class OrthogonalKind : ElmanKind
{
    public override IReadOnlyList<string> Nonlinears => ["asrnn", "modrelu"];

    public override void Validate(ModelSpec spec)
    {
        base.Validate(spec);
        if (spec.Mode is not ("exprnn" or "dtriv" or "cayley"))
            throw new ArgumentException($"model {Name} needs an orthogonal mode (exprnn, dtriv or cayley), got '{spec.Mode}'");
    }
}

/// <summary>asrnn (docs/models.md §2.2): the adaptive-saturated RNN; its orthogonal mode is the task's reference mode unless mode says otherwise.</summary>
public sealed class AsRnnKind : OrthogonalKind
{
    public override string Name => "asrnn";
    public override int ReportPosition => 0;
    public override string AutoNonlinear => "asrnn";
    public override bool ChoosesMode => true;

    public override string Mode(RunConfig c) => c.Mode == "auto" ? c.Task.AsRnnMode : c.Mode;

    public override void Check(RunConfig c)
    {
        if (c.Eps == 0 && c.A <= 0 && c.B >= 0)
            throw new ConfigurationException($"asrnn with eps 0 and S ~ U({c.A}, {c.B}) can draw |S| = 0, which makes 1/d infinite: raise a above 0 or set eps > 0");
    }
}

/// <summary>exprnn (docs/models.md §2.3): the static exponential map.</summary>
public sealed class ExpRnnKind : OrthogonalKind
{
    public override string Name => "exprnn";
    public override int ReportPosition => 1;
    public override string? FixedMode => "exprnn";
}

/// <summary>dtriv (docs/models.md §2.4): dynamic trivialisation, K steps per chart.</summary>
public sealed class DtrivKind : OrthogonalKind
{
    public override string Name => "dtriv";
    public override int ReportPosition => 2;
    public override string? FixedMode => "dtriv";
}

/// <summary>scornn (docs/models.md §2.5): the scaled Cayley map with D_rho.</summary>
public sealed class ScoRnnKind : OrthogonalKind
{
    public override string Name => "scornn";
    public override int ReportPosition => 3;
    public override string? FixedMode => "cayley";
}

/// <summary>rnn (docs/models.md §2.6): a free recurrent matrix initialised to exp(skew init); modReLU, or tanh (a new variant).</summary>
public sealed class RnnKind : ElmanKind
{
    public override string Name => "rnn";
    public override int ReportPosition => 4;
    public override IReadOnlyList<string> Nonlinears => ["modrelu", "tanh"];
}

/// <summary>
/// The single-layer Elman family of the reference (row form, docs/models.md §1): z_t = x_t W_inᵀ (+ b) + h_{t-1} Rᵀ, h_t = σ(z_t).
/// <list type="bullet">
/// <item>R = B from an <see cref="Orthogonal"/> module: exprnn (static exp), dtriv (dynamic exp), scornn (Cayley with D_rho folded in: R = B·D_rho, §2.5, §8.3).</item>
/// <item>R = V, a free matrix initialised to exp(skew init): rnn (§2.6).</item>
/// <item>σ = modReLU (bias U(-0.01, 0.01)), tanh (rnn only, a new variant: REF has no plain-tanh RNN), or the
/// asRNN saturation σ_as(z) = tanh(z diag(d) U_fᵀ) U_f diag(1/d), d = |S| + eps (§2.2), which brings asRNN's input
/// kernel (orthogonal init, zero bias) and U_f (same mode and map as R, X_U = 0).</item>
/// </list>
/// Only R's parameter is in the recurrent group (the reference's "recurrent_kernel"); U_f and S use the main rate.
/// With <see cref="ModelSpec.Fused"/>: tanh and asRNN run through nn.RNN (cuDNN on CUDA), asRNN in encoded coordinates;
/// modReLU keeps a leaner per-step loop.
/// </summary>
public sealed class OrthogonalRnn : RecurrentNetwork
{
    readonly string _nonlinear;
    readonly Parameter _inputWeight;
    readonly Parameter? _inputBias, _modReluBias, _s, _free;
    readonly Orthogonal? _recurrent, _uf;
    readonly Tensor? _dRho;
    readonly FusedKernel? _fused;

    public OrthogonalRnn(ModelSpec spec, Generator g, Device device) : base("OrthogonalRnn", spec, g, device)
    {
        _nonlinear = spec.Nonlinear;
        long h = spec.HiddenSize, i = spec.InputSize;
        var dtype = spec.DType;
        if (_nonlinear == "asrnn")
        {
            _s = Main("S", Initializers.Uniform([h], spec.A, spec.B, dtype, g));
            _inputWeight = Main("input_weight", Initializers.Orthogonal(h, i, dtype, g));
            _inputBias = Main("input_bias", torch.zeros(h, dtype));
        }
        else
        {
            _inputWeight = Main("input_weight", Initializers.KaimingNormal(h, i, dtype, g));
            if (_nonlinear == "modrelu") _modReluBias = Main("modrelu_bias", Initializers.Uniform([h], -0.01, 0.01, dtype, g));
        }
        var skew = Initializers.SkewInit(spec.Init, h, dtype, g);
        if (spec.Model is RnnKind)
            _free = Recurrent("recurrent_kernel", torch.linalg.matrix_exp(skew));
        else
            _recurrent = AddOrthogonal("recurrent_kernel", skew, recurrentGroup: true);
        if (_nonlinear == "asrnn")
            _uf = AddOrthogonal("saturation_basis", torch.zeros([h, h], dtype), recurrentGroup: false);
        if (spec.Mode == "cayley")
        {
            long rho = h / spec.RhoRatDen;
            var diagonal = torch.ones(h, dtype);
            if (rho > 0) diagonal[TensorIndex.Slice(h - rho, h)] = torch.tensor(-1.0).to(dtype);
            _dRho = diagonal.to(device);
            register_buffer("d_rho", _dRho);
        }
        if (spec.Fused && _nonlinear is "tanh" or "asrnn") _fused = FusedKernel.TanhRnn(i, h, device, dtype);
    }

    /// <summary>The recurrent matrix in row form, R such that z gets h Rᵀ (with D_rho folded in).</summary>
    public Tensor RecurrentMatrix()
    {
        var r = _free is not null ? (Tensor)_free : _recurrent!.Matrix();
        return _dRho is null ? r : r * _dRho.unsqueeze(0);
    }

    protected override (Tensor Outputs, RecurrentState State) Recur(Tensor x, RecurrentState? state, bool allSteps)
    {
        if (_fused is not null && _nonlinear == "tanh") return RecurTanhFused(x, state, allSteps);
        if (_fused is not null && _nonlinear == "asrnn") return RecurAsRnnFused(x, state, allSteps);
        if (Spec.Fused && _nonlinear == "modrelu") return RecurModReluLean(x, state, allSteps);
        long steps = x.shape[0], batch = x.shape[1], h = Spec.HiddenSize;
        // §8.1: the input projection of all steps in one product; §8.2: the recurrent matrices once per forward.
        var projected = nn.functional.linear(x, _inputWeight, _inputBias);
        var rT = RecurrentMatrix().t();
        Tensor? wT = null, wInvT = null;
        if (_nonlinear == "asrnn")
        {
            var d = _s!.abs() + Spec.Eps;
            var uf = _uf!.Matrix();
            wT = (uf * d.unsqueeze(0)).t();      // (U_f diag(d))ᵀ
            wInvT = uf / d.unsqueeze(0);         // (diag(1/d) U_fᵀ)ᵀ = U_f diag(1/d)
        }
        var hidden = state?.Parts[0] ?? torch.zeros([batch, h], Spec.DType, Device);
        // unbind, not projected[t]: per-step indexing makes the backward pass quadratic in the sequence length.
        var inputs = projected.unbind(0);
        var outputs = allSteps ? new Tensor[steps] : null;
        for (long t = 0; t < steps; t++)
        {
            var z = inputs[t] + hidden.matmul(rT);
            hidden = _nonlinear switch
            {
                "asrnn" => z.matmul(wT!).tanh().matmul(wInvT!),
                "modrelu" => ModRelu(z, _modReluBias!),
                "tanh" => z.tanh(),
                _ => throw new InvalidOperationException(_nonlinear),
            };
            if (outputs is not null) outputs[t] = hidden;
        }
        return (outputs is not null ? torch.stack(outputs) : hidden, new RecurrentState(hidden));
    }

    /// <summary>The tanh rnn through nn.RNN: input weight W_in, recurrent weight R, no bias (as the cell).</summary>
    (Tensor Outputs, RecurrentState State) RecurTanhFused(Tensor x, RecurrentState? state, bool allSteps)
    {
        long batch = x.shape[1], h = Spec.HiddenSize;
        var hidden = state?.Parts[0] ?? torch.zeros([batch, h], Spec.DType, Device);
        var noBias = torch.zeros([h], Spec.DType, Device);
        var (output, final) = _fused!.Run(x, [hidden], _inputWeight, RecurrentMatrix(), noBias, noBias);
        return (allSteps ? output : final[0], new RecurrentState(final[0]));
    }

    /// <summary>
    /// asRNN as a tanh RNN in encoded coordinates (docs/models.md §8.4). With W = U_f diag(d) and W⁻¹ = diag(1/d) U_fᵀ taken as
    /// the cell takes them, g_t = tanh(z_t Wᵀ) obeys g_t = tanh(x_t (W W_in)ᵀ + W b + g_{t-1} (W R W⁻¹)ᵀ) and
    /// h_t = g_t W⁻ᵀ. The effective weights are built in the graph from R, U_f, S, W_in and b, so their gradients reach them.
    /// A carried h is re-encoded with the current weights, g_0 = h_0 Wᵀ (exact while U_f is orthogonal, as exp and Cayley give).
    /// </summary>
    (Tensor Outputs, RecurrentState State) RecurAsRnnFused(Tensor x, RecurrentState? state, bool allSteps)
    {
        long steps = x.shape[0], batch = x.shape[1], h = Spec.HiddenSize;
        // The same order of Matrix() calls as the cell: dtriv counts its generation events per read.
        var r = RecurrentMatrix();
        var d = _s!.abs() + Spec.Eps;
        var uf = _uf!.Matrix();
        var w = uf * d.unsqueeze(0);        // U_f diag(d)
        var wInvT = uf / d.unsqueeze(0);    // (diag(1/d) U_fᵀ)ᵀ
        var wInv = wInvT.t();
        var inputWeight = w.matmul(_inputWeight);
        var inputBias = w.matmul(_inputBias!);
        var recurrentWeight = w.matmul(r).matmul(wInv);
        var encoded = state is null ? torch.zeros([batch, h], Spec.DType, Device) : state.Parts[0].matmul(w.t());
        var noBias = torch.zeros([h], Spec.DType, Device);
        var (g, final) = _fused!.Run(x, [encoded], inputWeight, recurrentWeight, inputBias, noBias);
        if (!allSteps)
        {
            var last = final[0].matmul(wInvT);
            return (last, new RecurrentState(last));
        }
        var outputs = g.matmul(wInvT);
        return (outputs, new RecurrentState(outputs.select(0, steps - 1)));
    }

    /// <summary>modReLU has no fused kernel: the shared lean per-step loop (one addmm per step).</summary>
    (Tensor Outputs, RecurrentState State) RecurModReluLean(Tensor x, RecurrentState? state, bool allSteps)
    {
        long batch = x.shape[1], h = Spec.HiddenSize;
        var projected = nn.functional.linear(x, _inputWeight, _inputBias);
        var hidden = state?.Parts[0] ?? torch.zeros([batch, h], Spec.DType, Device);
        var (outputs, last) = ModReluRecurrence.Run(projected, RecurrentMatrix().t(), _modReluBias!, hidden, allSteps, lean: true);
        return (outputs, new RecurrentState(last));
    }

    /// <summary>modReLU: sign(z) · max(0, |z| + b), with sign(0) = 0.</summary>
    public static Tensor ModRelu(Tensor z, Tensor bias) => ModReluRecurrence.ModRelu(z, bias);

    public override void OnParametersUpdated()
    {
        _recurrent?.Invalidate();
        _uf?.Invalidate();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _fused?.Dispose();
        base.Dispose(disposing);
    }
}
