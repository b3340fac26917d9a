using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// The orthogonal parametrisation of docs/models.md §2.1: B = base · φ(sk X), φ = exp (libtorch's matrix_exp, §4) or
/// the Cayley map (I + A)^{-1}(I - A); static (base = I) or dynamic (dtriv: rebase every K generation events,
/// project base onto the orthogonal group every M rebases).
/// B is computed once per forward pass. A generation event happens at the first read after each optimiser step
/// (and at the very first read): the "pending" flag, like the counters k and m, is a buffer so that a checkpoint
/// captures exactly where in the dtriv cadence the run stands.
/// </summary>
public sealed class Orthogonal : nn.Module
{
    readonly string _map;
    readonly bool _dynamic;
    readonly int _k;
    readonly int _m;
    readonly Parameter _x;
    readonly Tensor _base, _counterK, _counterM, _pending;

    /// <param name="map">exp | cayley</param>
    /// <param name="dynamic">dtriv's dynamic trivialisation</param>
    /// <param name="k">generation events per chart; 0 = infty (one rebase at the very first read)</param>
    /// <param name="m">rebases between polar projections</param>
    public Orthogonal(string name, Tensor initialX, string map, bool dynamic, int k, int m) : base(name)
    {
        if (map is not ("exp" or "cayley")) throw new ArgumentException($"unknown orthogonal map '{map}'");
        _map = map;
        _dynamic = dynamic;
        _k = k;
        _m = m;
        long n = initialX.shape[0];
        var device = initialX.device;
        _x = new Parameter(initialX.detach().clone(), requires_grad: true);
        _base = torch.eye(n, dtype: initialX.dtype, device: device);
        _counterK = torch.zeros(1, ScalarType.Int64, device);
        _counterM = torch.zeros(1, ScalarType.Int64, device);
        _pending = torch.ones(1, ScalarType.Int64, device);
        register_parameter("X", _x);
        register_buffer("base", _base);
        register_buffer("k", _counterK);
        register_buffer("m", _counterM);
        register_buffer("pending", _pending);
    }

    /// <summary>The skew parameter (n x n; its strict upper triangle is what is trained).</summary>
    public Parameter X => _x;
    public long Size => _x.shape[0];
    /// <summary>Counted as the papers count: n(n-1)/2.</summary>
    public long ParameterCount => Size * (Size - 1) / 2;

    /// <summary>The optimiser changed X: the next read is a generation event.</summary>
    public void Invalidate()
    {
        using var _ = torch.no_grad();
        _pending.fill_(1);
    }

    /// <summary>B for this forward pass (with graph when grad mode is on).</summary>
    public Tensor Matrix()
    {
        var b = Compute();
        if (_dynamic && _pending.item<long>() != 0)
        {
            using var _ = torch.no_grad();
            _pending.fill_(0);
            long k = _counterK.item<long>();
            if (k == 0)
            {
                // Rebase: the forward still uses b (its graph reaches the pre-rebase X), as the reference does.
                _base.copy_(b.detach());
                _x.zero_();
                long m = (_counterM.item<long>() + 1) % _m;
                _counterM.fill_(m);
                if (m == 0) ProjectBase();
            }
            k = _k > 0 ? (k + 1) % _k : Math.Max(k, 1);
            _counterK.fill_(k);
        }
        else if (!_dynamic)
        {
            using var _ = torch.no_grad();
            _pending.fill_(0);
        }
        return b;
    }

    Tensor Compute()
    {
        var a = Initializers.Skew(_x);
        var phi = _map == "exp"
            ? torch.linalg.matrix_exp(a)
            : torch.linalg.solve(Identity(a) + a, Identity(a) - a);
        // A copy of base goes into the graph: a rebase overwrites base in place while this pass's backward still needs it.
        return _dynamic ? _base.clone().matmul(phi) : phi;
    }

    static Tensor Identity(Tensor like) => torch.eye(like.shape[0], dtype: like.dtype, device: like.device);

    /// <summary>Replaces base by its orthogonal polar factor U V^T (thin SVD).</summary>
    void ProjectBase()
    {
        using var scope = torch.NewDisposeScope();
        var (u, _, vh) = torch.linalg.svd(_base, fullMatrices: false);
        _base.copy_(u.matmul(vh));
    }
}
