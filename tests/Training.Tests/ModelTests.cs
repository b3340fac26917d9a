using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tests;

public class ModelTests
{
    static ModelSpec Spec(string model, string nonlinear, string mode, int hidden = 6, int input = 3, int output = 4) => new()
    {
        Model = ModelKind.Parse(model), Nonlinear = nonlinear, Mode = mode, InputSize = input, HiddenSize = hidden, OutputSize = output,
        Init = "henaff", A = 0.5, B = 1.5, Eps = 1e-2, RhoRatDen = 2, K = 3, M = 2, DType = ScalarType.Float64,
    };

    static Generator Gen(ulong seed = 1) => new(seed, torch.CPU);

    static double Norm(Tensor t) => t.norm().ToDouble();

    [Theory]
    [InlineData("exp", false)]
    [InlineData("cayley", false)]
    [InlineData("exp", true)]
    public void Parametrisation_is_orthogonal(string map, bool dynamic)
    {
        var x = torch.randn([7, 7], ScalarType.Float32, generator: Gen());
        var module = new Orthogonal("o", x, map, dynamic, 2, 2);
        for (int step = 0; step < 5; step++)
        {
            var b = module.Matrix();
            Assert.True(Norm(b.t().matmul(b) - torch.eye(7)) < 1e-5, $"step {step}: not orthogonal");
            using (torch.no_grad()) module.X.add_(torch.randn([7, 7], generator: Gen((ulong)step + 10)) * 0.1);
            module.Invalidate();
        }
    }

    [Fact]
    public void Matrix_exp_matches_a_float64_taylor_reference_and_its_gradient_matches_finite_differences()
    {
        var a = torch.randn([5, 5], ScalarType.Float64, generator: Gen(3)) * 0.7;
        // Reference: scaling and squaring with a 30-term Taylor series, in float64.
        var scaled = a / 16.0;
        var sum = torch.eye(5, dtype: ScalarType.Float64);
        var term = torch.eye(5, dtype: ScalarType.Float64);
        for (int k = 1; k < 30; k++) { term = term.matmul(scaled) / k; sum = sum + term; }
        for (int i = 0; i < 4; i++) sum = sum.matmul(sum);
        Assert.True(Norm(torch.linalg.matrix_exp(a) - sum) < 1e-12);

        var x = a.clone().requires_grad_(true);
        var weights = torch.randn([5, 5], ScalarType.Float64, generator: Gen(4));
        Func<Tensor, Tensor> f = m => (torch.linalg.matrix_exp(Initializers.Skew(m)) * weights).sum();
        f(x).backward();
        var analytic = x.grad!;
        using var _ = torch.no_grad();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
            {
                var plus = a.clone(); plus[i, j] += 1e-6;
                var minus = a.clone(); minus[i, j] -= 1e-6;
                double numeric = (f(plus).ToDouble() - f(minus).ToDouble()) / 2e-6;
                Assert.Equal(numeric, analytic[i, j].ToDouble(), 6);
            }
    }

    [Fact]
    public void Dtriv_rebases_every_K_generation_events_and_projects_every_M_rebases()
    {
        var x = torch.randn([4, 4], ScalarType.Float64, generator: Gen(5)) * 0.3;
        var module = new Orthogonal("o", x, "exp", dynamic: true, k: 3, m: 2);
        var bases = new List<Tensor>();
        for (int evt = 0; evt < 7; evt++)
        {
            var before = module.get_buffer("base")!.clone();
            module.Matrix();
            bool rebased = Norm(module.get_buffer("base")! - before) > 0;
            Assert.Equal(evt % 3 == 0, rebased);
            if (rebased) Assert.Equal(0.0, Norm(module.X));
            using (torch.no_grad()) module.X.add_(torch.randn([4, 4], ScalarType.Float64, generator: Gen((ulong)evt + 20)) * 0.1);
            module.Invalidate();
        }
        // Events 0, 3, 6 rebased; the second rebase (event 3) and every second after it projected: m cycles 1, 0, 1.
        Assert.Equal(1L, module.get_buffer("m")!.item<long>());
        Assert.Equal(1L, module.get_buffer("k")!.item<long>());
    }

    [Fact]
    public void AsRnn_cell_matches_the_column_form_of_the_spec()
    {
        var spec = Spec("asrnn", "asrnn", "exprnn") with { OutputSize = 6 };
        var model = (OrthogonalRnn)ModelFactory.Create(spec, Gen(8));
        // Move U_f away from the identity so that it matters.
        var uf = model.named_parameters().First(p => p.name == "saturation_basis.X").parameter;
        using (torch.no_grad()) uf.add_(torch.randn([6, 6], ScalarType.Float64, generator: Gen(9)) * 0.5);
        model.OnParametersUpdated();
        var x = torch.randn([5, 2, 3], ScalarType.Float64, generator: Gen(10));
        var (output, state) = model.Forward(x, null, Readout.AllSteps);

        var p = model.named_parameters().ToDictionary(n => n.name, n => (Tensor)n.parameter);
        var whh = torch.linalg.matrix_exp(Initializers.Skew(p["recurrent_kernel.X"]));
        var u = torch.linalg.matrix_exp(Initializers.Skew(p["saturation_basis.X"]));
        var d = p["S"].abs() + spec.Eps;
        var w = u.matmul(torch.diag(d));
        var wInv = torch.diag(1 / d).matmul(u.t());
        for (int b = 0; b < 2; b++)
        {
            var h = torch.zeros(6, ScalarType.Float64);
            for (int t = 0; t < 5; t++)
            {
                // h_t = W^{-1} tanh(W (W_xh x_t + W_hh h_{t-1} + b)), column form.
                h = wInv.matmul(w.matmul(p["input_weight"].matmul(x[t, b]) + whh.matmul(h) + p["input_bias"]).tanh());
                var decoded = p["decoder_weight"].matmul(h) + p["decoder_bias"];
                Assert.True(Norm(decoded - output[t, b]) < 1e-12, $"t={t} b={b}");
            }
            Assert.True(Norm(h - state.Parts[0][b]) < 1e-12);
        }
    }

    [Fact]
    public void ModRelu_has_sign_zero_at_zero()
    {
        var z = torch.tensor(new double[] { -2, -0.005, 0, 0.005, 2 });
        var b = torch.full(5, -0.01, ScalarType.Float64);
        Assert.Equal(new double[] { -1.99, 0, 0, 0, 1.99 }, OrthogonalRnn.ModRelu(z, b).data<double>().ToArray().Select(v => Math.Round(v, 10)));
    }

    [Fact]
    public void Lstm_forget_slices_carry_half_the_forget_bias_each_and_cell_readout_decodes_c()
    {
        var spec = Spec("lstm", "modrelu", "none") with { ForgetBias = 1.0 };
        var model = ModelFactory.Create(spec, Gen(2));
        var p = model.named_parameters().ToDictionary(n => n.name, n => (Tensor)n.parameter);
        Assert.All(p["bias_ih"][TensorIndex.Slice(6, 12)].data<double>().ToArray(), v => Assert.Equal(0.5, v));
        Assert.All(p["bias_hh"][TensorIndex.Slice(6, 12)].data<double>().ToArray(), v => Assert.Equal(0.5, v));
        Assert.All(p["bias_ih"][TensorIndex.Slice(0, 6)].data<double>().ToArray(), v => Assert.InRange(Math.Abs(v), 0, 1 / Math.Sqrt(6)));

        var cellModel = ModelFactory.Create(spec with { LstmReadout = "cell" }, Gen(2));
        var x = torch.randn([4, 2, 3], ScalarType.Float64, generator: Gen(3));
        var (output, state) = cellModel.Forward(x, null, Readout.LastStep);
        var pc = cellModel.named_parameters().ToDictionary(n => n.name, n => (Tensor)n.parameter);
        var expected = state.Parts[1].matmul(pc["decoder_weight"].t()) + pc["decoder_bias"];
        Assert.True(Norm(output - expected) < 1e-12);
    }

    [Theory]
    // docs/models.md §7: MNIST (input 1, 10 classes), copy (10 symbols in, 9 out), PTB (V = 50, emsize 200).
    [InlineData("asrnn", 122, 1, 10, 0, 16_358)]
    [InlineData("asrnn", 257, 1, 10, 0, 69_143)]
    [InlineData("asrnn", 364, 1, 10, 0, 136_874)]
    [InlineData("exprnn", 170, 1, 10, 0, 16_415)]
    [InlineData("scornn", 360, 1, 10, 0, 68_950)]
    [InlineData("exprnn", 512, 1, 10, 0, 136_970)]
    [InlineData("lstm", 128, 1, 10, 0, 68_362)]
    [InlineData("asrnn", 138, 10, 9, 0, 21_813)]
    [InlineData("exprnn", 190, 10, 9, 0, 21_764)]
    [InlineData("lstm", 68, 10, 9, 0, 22_381)]
    [InlineData("asrnn", 1024, 200, 50, 50, 1_315_650)]
    [InlineData("exprnn", 1386, 200, 50, 50, 1_317_741)]
    [InlineData("lstm", 475, 200, 50, 50, 1_320_100)]
    public void Parameter_counts_match_the_papers(string model, int hidden, int input, int output, int vocabulary, long expected)
    {
        var spec = new ModelSpec
        {
            Model = ModelKind.Parse(model), Nonlinear = model == "asrnn" ? "asrnn" : "modrelu",
            Mode = model switch { "asrnn" or "exprnn" => "exprnn", "scornn" => "cayley", _ => "none" },
            InputSize = input, HiddenSize = hidden, OutputSize = output, VocabularySize = vocabulary, Init = "cayley",
            A = 0.02, B = 0.02, Eps = 0.01, RhoRatDen = 10,
        };
        Assert.Equal(expected, ModelFactory.Create(spec, Gen()).ParameterCount);
    }

    [Fact]
    public void Same_seed_gives_identical_parameters()
    {
        var spec = Spec("asrnn", "asrnn", "dtriv");
        var a = ModelFactory.Create(spec, Gen(11)).parameters().Select(p => p.data<double>().ToArray()).ToArray();
        var b = ModelFactory.Create(spec, Gen(11)).parameters().Select(p => p.data<double>().ToArray()).ToArray();
        var c = ModelFactory.Create(spec, Gen(12)).parameters().Select(p => p.data<double>().ToArray()).ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData("rnn", "asrnn", "none")]
    [InlineData("lstm", "asrnn", "none")]
    [InlineData("exprnn", "tanh", "exprnn")]
    public void Invalid_combinations_are_refused(string model, string nonlinear, string mode)
        => Assert.Throws<ArgumentException>(() => ModelFactory.Create(Spec(model, nonlinear, mode), Gen()));

    /// <summary>A model is a registered kind: an unknown name is refused where text becomes a model, before any spec exists.</summary>
    [Fact]
    public void An_unknown_model_name_is_refused_when_parsed()
    {
        var e = Assert.Throws<Configuration.ConfigurationException>(() => ModelKind.Parse("mamba"));
        Assert.Equal("unknown model 'mamba' (expected asrnn, exprnn, dtriv, scornn, rnn, lstm, gru, glstm, nnrnn, enrnn or nru)", e.Message);
    }

    [Fact]
    public void Gradients_of_every_parameter_match_finite_differences()
    {
        foreach (var (model, nonlinear, mode) in new[] { ("asrnn", "asrnn", "exprnn"), ("scornn", "modrelu", "cayley"), ("rnn", "tanh", "none"), ("lstm", "modrelu", "none") })
        {
            var net = ModelFactory.Create(Spec(model, nonlinear, mode, hidden: 4, input: 2, output: 3), Gen(21));
            var x = torch.randn([3, 2, 2], ScalarType.Float64, generator: Gen(22));
            Func<double> loss = () => net.Forward(x, null, Readout.AllSteps).Output.pow(2).sum().ToDouble();
            net.Forward(x, null, Readout.AllSteps).Output.pow(2).sum().backward();
            FiniteDifferences.AssertEveryParameter(net, loss, model, entries: 6);
        }
    }
}
