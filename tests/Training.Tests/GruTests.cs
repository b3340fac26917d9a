using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tests;

/// <summary>GRU (PyTorch semantics), its initialisation, chrono for GRU and LSTM (docs/models.md §2.11), the gradients and learning.</summary>
[Collection("Serial")]
public class GruTests
{
    static ModelSpec Spec(string model = "gru", int hidden = 4, int input = 3, int output = 2) => new()
    {
        Model = ModelKind.Parse(model), Nonlinear = "none", Mode = "none", InputSize = input, HiddenSize = hidden, OutputSize = output, DType = ScalarType.Float64,
    };

    static Generator Gen(ulong seed) => new(seed, torch.CPU);

    static Dictionary<string, Tensor> Parameters(SequenceModel model) => model.named_parameters().ToDictionary(n => n.name, n => (Tensor)n.parameter);

    /// <summary>The per-gate equations with every gate's own weight slice, as PyTorch documents nn.GRU.</summary>
    static (Tensor Hidden, Tensor[] Steps) Direct(Dictionary<string, Tensor> p, Tensor x, int h, Func<int, Tensor, Tensor> gate)
    {
        Tensor Slice(string name, int k) => p[name][TensorIndex.Slice(k * h, (k + 1) * h)];
        var hidden = torch.zeros([x.shape[1], h], ScalarType.Float64);
        var steps = new List<Tensor>();
        for (int t = 0; t < x.shape[0]; t++)
        {
            var xt = x[t];
            var r = gate(0, xt.matmul(Slice("weight_ih", 0).t()) + Slice("bias_ih", 0) + hidden.matmul(Slice("weight_hh", 0).t()) + Slice("bias_hh", 0));
            var z = gate(1, xt.matmul(Slice("weight_ih", 1).t()) + Slice("bias_ih", 1) + hidden.matmul(Slice("weight_hh", 1).t()) + Slice("bias_hh", 1));
            var n = (xt.matmul(Slice("weight_ih", 2).t()) + Slice("bias_ih", 2) + r * (hidden.matmul(Slice("weight_hh", 2).t()) + Slice("bias_hh", 2))).tanh();
            hidden = (1 - z) * n + z * hidden;
            steps.Add(hidden.matmul(p["decoder_weight"].t()) + p["decoder_bias"]);
        }
        return (hidden, steps.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forward_matches_the_per_gate_equations(bool fused)
    {
        var model = ModelFactory.Create(Spec() with { Fused = fused }, Gen(1));
        var x = torch.randn([5, 3, 3], ScalarType.Float64, generator: Gen(2));
        var (output, state) = model.Forward(x, null, Readout.AllSteps);
        var (hidden, steps) = Direct(Parameters(model), x, 4, (_, s) => s.sigmoid());
        for (int t = 0; t < 5; t++) Assert.True((output[t] - steps[t]).abs().max().ToDouble() < 1e-12, $"t={t}");
        Assert.True((state.Parts[0] - hidden).abs().max().ToDouble() < 1e-12);
        var (last, _) = model.Forward(x, null, Readout.LastStep);
        Assert.True((last - steps[4]).abs().max().ToDouble() < 1e-12);
    }

    [Fact]
    public void Kaf_gates_replace_r_and_z_with_the_direct_formula()
    {
        var spec = Spec() with { Gate = "kaf", KafInit = "normal", KafSize = 7, KafBoundary = 2, Fused = true };
        var model = ModelFactory.Create(spec, Gen(3));
        var x = torch.randn([4, 2, 3], ScalarType.Float64, generator: Gen(4));
        var (output, state) = model.Forward(x, null, Readout.AllSteps);
        var p = Parameters(model);
        Assert.Equal(new long[] { 4, 7 }, p["kaf_alpha_r"].shape);
        Assert.Equal(new long[] { 4, 7 }, p["kaf_alpha_z"].shape);
        double spacing = 4.0 / 6, gamma = 0.5 / Math.Pow(2 * spacing, 2);
        // σ(½ Σ_i α_{j,i} exp(−γ (s_j − d_i)²) + ½ s_j), with the dictionary d_i = −2 + i·spacing written out.
        Tensor Gate(int gate, Tensor s)
        {
            var alpha = p[gate == 0 ? "kaf_alpha_r" : "kaf_alpha_z"];
            var kaf = torch.zeros_like(s);
            for (int i = 0; i < 7; i++) kaf = kaf + alpha[.., i] * (-gamma * (s - (-2 + i * spacing)).square()).exp();
            return (0.5 * kaf + 0.5 * s).sigmoid();
        }
        var (hidden, steps) = Direct(p, x, 4, Gate);
        for (int t = 0; t < 4; t++) Assert.True((output[t] - steps[t]).abs().max().ToDouble() < 1e-12, $"t={t}");
        Assert.True((state.Parts[0] - hidden).abs().max().ToDouble() < 1e-12);
        var (plain, _) = Direct(p, x, 4, (_, s) => s.sigmoid());
        Assert.True((plain - hidden).abs().max().ToDouble() > 1e-3, "the KAF gates changed nothing: the test would not see them");
    }

    [Fact]
    public void Every_weight_and_bias_is_uniform_in_plus_minus_one_over_sqrt_H_in_the_main_group()
    {
        var model = ModelFactory.Create(Spec(hidden: 64, input: 10, output: 9), Gen(5));
        var p = Parameters(model);
        foreach (var name in new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" })
        {
            double max = p[name].abs().max().ToDouble();
            Assert.True(max <= 1 / 8.0 && max > 0.95 / 8.0, $"{name}: max |value| {max}");
            Assert.InRange(p[name].mean().ToDouble(), -0.02, 0.02);
        }
        Assert.Equal(new long[] { 192, 10 }, p["weight_ih"].shape);
        Assert.Equal(new long[] { 192, 64 }, p["weight_hh"].shape);
        var groups = model.ParameterGroups();
        Assert.Equal("main", Assert.Single(groups).Name);
        Assert.Equal(3 * 64 * (10 + 64 + 2) + 9 * 64 + 9, model.ParameterCount);
    }

    [Fact]
    public void Chrono_puts_log_uniform_in_the_z_slice_of_b_ih_and_zeros_elsewhere()
    {
        const int h = 50;
        const double tMax = 30;
        var model = ModelFactory.Create(Spec(hidden: h) with { Chrono = true, TMax = tMax }, Gen(6));
        var p = Parameters(model);
        var z = p["bias_ih"][TensorIndex.Slice(h, 2 * h)];
        Assert.True(z.min().ToDouble() >= 0 && z.max().ToDouble() <= Math.Log(tMax - 1), "b_z outside [0, log(T_max - 1)]");
        Assert.True(z.max().ToDouble() > 0.8 * Math.Log(tMax - 1) && z.std().ToDouble() > 0.3, "b_z is not spread over log U(1, T_max - 1)");
        Assert.Equal(0.0, p["bias_ih"][TensorIndex.Slice(0, h)].abs().sum().ToDouble());
        Assert.Equal(0.0, p["bias_ih"][TensorIndex.Slice(2 * h, 3 * h)].abs().sum().ToDouble());
        Assert.Equal(0.0, p["bias_hh"].abs().sum().ToDouble());
        // The weights keep their default init.
        Assert.True(p["weight_hh"].abs().max().ToDouble() <= 1 / Math.Sqrt(h));
    }

    [Fact]
    public void Lstm_chrono_sets_b_f_log_uniform_b_i_minus_b_f_and_zeros_elsewhere()
    {
        const int h = 50;
        const double tMax = 30;
        var model = ModelFactory.Create(Spec("lstm", hidden: h) with { Chrono = true, TMax = tMax }, Gen(7));
        var p = Parameters(model);
        var f = p["bias_ih"][TensorIndex.Slice(h, 2 * h)];
        Assert.True(f.min().ToDouble() >= 0 && f.max().ToDouble() <= Math.Log(tMax - 1), "b_f outside [0, log(T_max - 1)]");
        Assert.True(f.max().ToDouble() > 0.8 * Math.Log(tMax - 1), "b_f is not spread over log U(1, T_max - 1)");
        Assert.Equal(0.0, (p["bias_ih"][TensorIndex.Slice(0, h)] + f).abs().max().ToDouble());
        Assert.Equal(0.0, p["bias_ih"][TensorIndex.Slice(2 * h, 4 * h)].abs().sum().ToDouble());
        Assert.Equal(0.0, p["bias_hh"].abs().sum().ToDouble());
    }

    [Theory]
    [InlineData("sigmoid", "identity")]
    [InlineData("kaf", "normal")]
    public void Gradients_of_every_parameter_match_finite_differences(string gate, string kafInit)
    {
        var model = ModelFactory.Create(Spec(hidden: 3, input: 2) with { Gate = gate, KafInit = kafInit, KafSize = 6, Chrono = true, TMax = 10 }, Gen(8));
        // Chrono leaves b_hh zero; move every parameter so that no slice sits at a special value.
        var g = Gen(9);
        using (torch.no_grad())
            foreach (var (_, p) in model.named_parameters()) p.add_(torch.randn(p.shape, ScalarType.Float64, generator: g) * 0.3);
        var x = torch.randn([4, 2, 2], ScalarType.Float64, generator: Gen(10));
        FiniteDifferences.AssertOutputAndState(model, x, $"gru {gate}");
    }

    /// <summary>
    /// With Adam at 1e-2: measured 0.34 after 200 iterations, 0.29 after 300 (baseline 0.39). RMSprop at 1e-2 or 3e-3 stays on the
    /// blanks-only plateau (0.86 after 1000 iterations), as the LSTM does.
    /// </summary>
    [Fact]
    public void Copy_task_K3_L10_goes_below_the_baseline()
    {
        var config = TestRuns.Config(("task", "copy"), ("model", "gru"), ("hidden_size", "32"), ("recall_length", "3"), ("delay_length", "10"),
            ("batch_size", "32"), ("iterations", "300"), ("optimizer", "adam"), ("rmsprop_lr", "1e-2"), ("log_every", "100"));
        TestRuns.TrainBelowBaseline(config, "gru");
    }
}
