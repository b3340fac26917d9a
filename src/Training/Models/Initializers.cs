using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// The initialisers of docs/models.md §3, each drawing from the run's own CPU generator (TorchSharp's nn.init.orthogonal_
/// and kaiming_normal_ take none), so that a seed fixes a model on any device.
/// </summary>
public static class Initializers
{
    /// <summary>U(low, high) of the given shape.</summary>
    public static Tensor Uniform(long[] shape, double low, double high, ScalarType dtype, Generator g)
        => torch.rand(shape, dtype, generator: g) * (high - low) + low;

    public static Tensor Normal(long[] shape, double std, ScalarType dtype, Generator g)
        => torch.randn(shape, dtype, generator: g) * std;

    /// <summary>PyTorch's default Linear initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).</summary>
    public static Tensor DefaultLinear(long[] shape, long fanIn, ScalarType dtype, Generator g)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        return Uniform(shape, -bound, bound, dtype, g);
    }

    /// <summary>Kaiming-normal with ReLU gain: N(0, 2 / fan_in), fan_in = columns.</summary>
    public static Tensor KaimingNormal(long rows, long cols, ScalarType dtype, Generator g)
        => Normal([rows, cols], Math.Sqrt(2.0 / cols), dtype, g);

    /// <summary>Xavier/Glorot normal: N(0, 2 / (fan_in + fan_out)), fan_in = columns, fan_out = rows.</summary>
    public static Tensor XavierNormal(long rows, long cols, ScalarType dtype, Generator g)
        => Normal([rows, cols], Math.Sqrt(2.0 / (rows + cols)), dtype, g);

    /// <summary>Xavier/Glorot uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(long rows, long cols, ScalarType dtype, Generator g)
    {
        double bound = Math.Sqrt(6.0 / (rows + cols));
        return Uniform([rows, cols], -bound, bound, dtype, g);
    }

    /// <summary>
    /// PyTorch's orthogonal_ (gain 1): QR of a Gaussian, Q's columns signed by diag(R); transposed when rows &lt; cols.
    /// An H x 1 matrix becomes a random unit vector.
    /// </summary>
    public static Tensor Orthogonal(long rows, long cols, ScalarType dtype, Generator g)
    {
        using var scope = torch.NewDisposeScope();
        var flat = torch.randn([rows, cols], ScalarType.Float64, generator: g);
        if (rows < cols) flat = flat.t();
        var (q, r) = torch.linalg.qr(flat);
        q = q * r.diagonal().sign().unsqueeze(0);
        if (rows < cols) q = q.t();
        return q.contiguous().to(dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A skew matrix in the block-diagonal layout of REF/EXP's create_diag: s_j at (2j, 2j+1), -s_j at (2j+1, 2j).
    /// Henaff: s ~ U(-pi, pi). Cayley: s = -tan(u/2), u ~ U(0, pi/2). cayley_positive: ENRNN's Cayley init,
    /// s = +tan(u/2) (docs/models.md §3 "Cayley (EN)").
    /// </summary>
    public static Tensor SkewInit(string kind, long n, ScalarType dtype, Generator g)
    {
        long blocks = n / 2;
        var s = kind switch
        {
            "henaff" => Uniform([blocks], -Math.PI, Math.PI, ScalarType.Float64, g),
            "cayley" => -(Uniform([blocks], 0, Math.PI / 2, ScalarType.Float64, g) / 2).tan(),
            "cayley_positive" => (Uniform([blocks], 0, Math.PI / 2, ScalarType.Float64, g) / 2).tan(),
            _ => throw new ArgumentException($"unknown skew initialiser '{kind}' (expected henaff, cayley or cayley_positive)"),
        };
        var values = s.data<double>().ToArray();
        var a = new double[n * n];
        for (long j = 0; j < blocks; j++)
        {
            a[(2 * j) * n + 2 * j + 1] = values[j];
            a[(2 * j + 1) * n + 2 * j] = -values[j];
        }
        return torch.tensor(a, [n, n]).to(dtype);
    }

    /// <summary>sk(X) = triu_1(X) - triu_1(X)^T: only the strict upper triangle of X matters.</summary>
    public static Tensor Skew(Tensor x)
    {
        var upper = x.triu(1);
        return upper - upper.t();
    }
}
