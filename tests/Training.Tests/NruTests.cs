using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tests;

/// <summary>NRU (docs/models.md §2.10): the equations, the memory's normalised write and erase vectors, the parameter count, the gradients.</summary>
[Collection("Serial")]
public class NruTests
{
    static ModelSpec Spec(int hidden = 3, int input = 2, int output = 4, int memory = 8, int heads = 2) => new()
    {
        Model = ModelKind.Parse("nru"), Nonlinear = "none", Mode = "none", InputSize = input, HiddenSize = hidden, OutputSize = output,
        NruMemory = memory, NruHeads = heads, DecoderInit = "xavier", DType = ScalarType.Float64,
    };

    static Generator Gen(ulong seed) => new(seed, torch.CPU);

    static double[,] Matrix(Tensor t)
    {
        var values = t.contiguous().data<double>().ToArray();
        long rows = t.shape[0], cols = t.shape[1];
        var m = new double[rows, cols];
        for (long i = 0; i < rows; i++) for (long j = 0; j < cols; j++) m[i, j] = values[i * cols + j];
        return m;
    }

    /// <summary>W v + b, element by element.</summary>
    static double[] Affine(double[,] w, double[] b, double[] v)
    {
        var y = new double[b.Length];
        for (int i = 0; i < b.Length; i++)
        {
            y[i] = b[i];
            for (int j = 0; j < v.Length; j++) y[i] += w[i, j] * v[j];
        }
        return y;
    }

    /// <summary>vec(u1 u2ᵀ) cut into k rows of m_s, each divided by its L5 norm, written out with scalars.</summary>
    static double[][] HeadVectors(double[] u, int r, int heads, int memory)
    {
        var flat = new double[r * r];
        for (int a = 0; a < r; a++) for (int b = 0; b < r; b++) flat[a * r + b] = u[a] * u[r + b];
        var rows = new double[heads][];
        for (int j = 0; j < heads; j++)
        {
            var row = flat.Skip(j * memory).Take(memory).ToArray();
            double norm = Math.Max(Math.Pow(row.Sum(v => Math.Pow(Math.Abs(v), 5)), 0.2), 1e-12);
            rows[j] = row.Select(v => v / norm).ToArray();
        }
        return rows;
    }

    [Fact]
    public void Forward_matches_the_equations_written_with_scalars()
    {
        const int hidden = 3, input = 2, memory = 8, heads = 2, r = 4, steps = 5, batch = 2;
        var spec = Spec(hidden, input, memory: memory, heads: heads);
        var model = ModelFactory.Create(spec, Gen(1));
        // Move the memory maps so that α and β are not tiny and the memory really moves.
        using (torch.no_grad())
            foreach (var (name, parameter) in model.named_parameters())
                if (name.StartsWith("write") || name.StartsWith("erase")) parameter.mul_(3);
        var x = torch.randn([steps, batch, input], ScalarType.Float64, generator: Gen(2));
        var (output, state) = model.Forward(x, null, Readout.AllSteps);
        Assert.Equal(new long[] { steps, batch, 4 }, output.shape);
        Assert.Equal(new long[] { batch, memory }, state.Parts[1].shape);

        var p = model.named_parameters().ToDictionary(n => n.name, n => (Tensor)n.parameter);
        double[] V(string name) => p[name].data<double>().ToArray();
        var (wh, bh) = (Matrix(p["hidden_weight"]), V("hidden_bias"));
        var (wa, ba, wb, bb) = (Matrix(p["write_weight"]), V("write_bias"), Matrix(p["erase_weight"]), V("erase_bias"));
        var (wva, bva, wvb, bvb) = (Matrix(p["write_vector_weight"]), V("write_vector_bias"), Matrix(p["erase_vector_weight"]), V("erase_vector_bias"));
        var (wo, bo) = (Matrix(p["decoder_weight"]), V("decoder_bias"));
        double largestChange = 0;
        for (int b = 0; b < batch; b++)
        {
            var h = new double[hidden];
            var m = new double[memory];
            for (int t = 0; t < steps; t++)
            {
                var xt = Enumerable.Range(0, input).Select(i => x[t, b, i].ToDouble()).ToArray();
                h = Affine(wh, bh, xt.Concat(h).Concat(m).ToArray()).Select(v => Math.Max(v, 0)).ToArray();
                var q = h.Concat(m).ToArray();
                var alpha = Affine(wa, ba, q);
                var beta = Affine(wb, bb, q);
                var va = HeadVectors(Affine(wva, bva, q), r, heads, memory);
                var vb = HeadVectors(Affine(wvb, bvb, q), r, heads, memory);
                var next = new double[memory];
                for (int i = 0; i < memory; i++)
                {
                    double sum = 0;
                    for (int j = 0; j < heads; j++) sum += alpha[j] * va[j][i] - beta[j] * vb[j][i];
                    next[i] = m[i] + sum / heads;
                    largestChange = Math.Max(largestChange, Math.Abs(next[i] - m[i]));
                }
                m = next;
                var y = Affine(wo, bo, h);
                for (int o = 0; o < 4; o++) Assert.True(Math.Abs(y[o] - output[t, b, o].ToDouble()) < 1e-12, $"t={t} b={b} o={o}");
            }
            for (int i = 0; i < hidden; i++) Assert.True(Math.Abs(h[i] - state.Parts[0][b, i].ToDouble()) < 1e-12);
            for (int i = 0; i < memory; i++) Assert.True(Math.Abs(m[i] - state.Parts[1][b, i].ToDouble()) < 1e-12);
        }
        Assert.True(largestChange > 0.05, $"the memory barely moved ({largestChange}): the test would not see a wrong update");
    }

    [Fact]
    public void Write_and_erase_rows_have_unit_L5_norm_and_the_memory_moves_by_their_mean_mix()
    {
        var u1 = torch.randn([3, 8], ScalarType.Float64, generator: Gen(3));
        var u2 = torch.randn([3, 8], ScalarType.Float64, generator: Gen(4));
        var v = Nru.HeadVectors(u1, u2, heads: 4, memory: 16);
        Assert.Equal(new long[] { 3, 4, 16 }, v.shape);
        var norms = v.abs().pow(5).sum(2).pow(0.2);
        Assert.True((norms - 1).abs().max().ToDouble() < 1e-12, "a row's L5 norm is not 1");
        // Row j of head vectors = entries [16 j, 16 j + 16) of the row-major outer product, rescaled.
        var outer = (u1.unsqueeze(2) * u2.unsqueeze(1)).reshape(3, 4, 16);
        var ratio = outer / v;
        Assert.True((ratio - ratio[.., .., 0..1]).abs().max().ToDouble() < 1e-9 * ratio.abs().max().ToDouble(), "a row is not a rescaled slice of the outer product");
        Assert.True(ratio.min().ToDouble() > 0, "the rescaling flipped a sign");
        // A zero row stays zero (eps 1e-12 in the division).
        Assert.Equal(0.0, Nru.HeadVectors(torch.zeros([1, 8], ScalarType.Float64), u2[0..1], 4, 16).abs().sum().ToDouble());

        // The memory update of one step from a known state: m_1 = m_0 + mean_j (α_j v^a_j − β_j v^b_j).
        var model = (Nru)ModelFactory.Create(Spec(memory: 16, heads: 4), Gen(5));
        var state = new RecurrentState(torch.randn([2, 3], ScalarType.Float64, generator: Gen(6)), torch.randn([2, 16], ScalarType.Float64, generator: Gen(7)));
        var x = torch.randn([1, 2, 2], ScalarType.Float64, generator: Gen(8));
        var (_, after) = model.Forward(x, state, Readout.LastStep);
        var p = model.named_parameters().ToDictionary(n => n.name, n => (Tensor)n.parameter);
        var q = torch.cat([after.Parts[0], state.Parts[1]], 1);
        var alpha = nn.functional.linear(q, p["write_weight"], p["write_bias"]);
        var beta = nn.functional.linear(q, p["erase_weight"], p["erase_bias"]);
        var ua = nn.functional.linear(q, p["write_vector_weight"], p["write_vector_bias"]).chunk(2, 1);
        var ub = nn.functional.linear(q, p["erase_vector_weight"], p["erase_vector_bias"]).chunk(2, 1);
        var va = Nru.HeadVectors(ua[0], ua[1], 4, 16);
        var vb = Nru.HeadVectors(ub[0], ub[1], 4, 16);
        var expected = state.Parts[1] + (alpha.unsqueeze(2) * va - beta.unsqueeze(2) * vb).mean([1]);
        Assert.True((after.Parts[1] - expected).abs().max().ToDouble() < 1e-12);
    }

    [Fact]
    public void Pmnist_configuration_has_165554_parameters()
    {
        var spec = Spec(hidden: 212, input: 1, output: 10, memory: 256, heads: 4) with { DType = ScalarType.Float32 };
        var model = ModelFactory.Create(spec, Gen(1));
        Assert.Equal(165_554, model.ParameterCount);
        Assert.Equal(165_554, model.parameters().Sum(p => p.numel()));
        Assert.Single(model.ParameterGroups());
    }

    [Fact]
    public void Layers_have_the_default_linear_init_and_the_decoder_xavier_normal_with_zero_bias()
    {
        var config = TestRuns.Config(("task", "copy"), ("model", "nru"), ("hidden_size", "40"), ("nru_memory", "64"), ("nru_heads", "4"), ("dtype", "float64"));
        var spec = ModelSpecResolver.Resolve(config, TaskShape.Nominal(config));
        Assert.Equal("xavier", spec.DecoderInit);
        var model = ModelFactory.Create(spec, Gen(9));
        var p = model.named_parameters().ToDictionary(n => n.name, n => (Tensor)n.parameter);
        Assert.Equal(0.0, p["decoder_bias"].abs().sum().ToDouble());
        double xavier = Math.Sqrt(2.0 / (40 + 9));
        double std = p["decoder_weight"].std().ToDouble();
        Assert.InRange(std, 0.8 * xavier, 1.2 * xavier);
        foreach (var (name, fanIn) in new[] { ("hidden", 10 + 40 + 64), ("write", 40 + 64), ("erase", 40 + 64), ("write_vector", 40 + 64), ("erase_vector", 40 + 64) })
            foreach (var part in new[] { "weight", "bias" })
            {
                var values = p[$"{name}_{part}"];
                double bound = 1 / Math.Sqrt(fanIn);
                Assert.True(values.abs().max().ToDouble() <= bound, $"{name}_{part} exceeds 1/sqrt({fanIn})");
                if (values.numel() >= 16) Assert.True(values.abs().max().ToDouble() > 0.7 * bound, $"{name}_{part} is not spread over U(-1/sqrt({fanIn}), 1/sqrt({fanIn}))");
            }
    }

    [Fact]
    public void Memory_and_heads_must_give_an_integer_rank()
        => Assert.Throws<ArgumentException>(() => ModelFactory.Create(Spec(memory: 8, heads: 3), Gen(1)));

    [Fact]
    public void Gradients_of_every_parameter_match_finite_differences()
    {
        var model = ModelFactory.Create(Spec(), Gen(11));
        using (torch.no_grad())
            foreach (var (name, p) in model.named_parameters())
                if (name.StartsWith("write") || name.StartsWith("erase")) p.mul_(3);
        var x = torch.randn([4, 2, 2], ScalarType.Float64, generator: Gen(12));
        FiniteDifferences.AssertOutputAndState(model, x, "nru");
    }

    /// <summary>With Adam (NRU's optimiser) at 5e-3: measured 0.36 after 300 iterations, 0.31 after 400 (baseline 0.39).</summary>
    [Fact]
    public void Copy_task_K3_L10_goes_below_the_baseline()
    {
        var config = TestRuns.Config(("task", "copy"), ("model", "nru"), ("hidden_size", "32"), ("nru_memory", "16"), ("nru_heads", "4"),
            ("recall_length", "3"), ("delay_length", "10"), ("batch_size", "32"), ("iterations", "400"), ("optimizer", "adam"), ("rmsprop_lr", "5e-3"),
            ("log_every", "100"));
        TestRuns.TrainBelowBaseline(config, "nru");
    }
}
