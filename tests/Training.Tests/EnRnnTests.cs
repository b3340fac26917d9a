using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tests;

/// <summary>ENRNN (docs/models.md §2.9): the coupled cell, the sticky eigenvalue normalisation and its gradient, the init, the groups.</summary>
[Collection("Serial")]
public class EnRnnTests
{
    static ModelSpec Spec(int n1 = 4, int n2 = 3, int input = 3, int output = 4, int negOnes = 1) => new()
    {
        Model = ModelKind.Parse("enrnn"), Nonlinear = "modrelu", Mode = "none", InputSize = input, HiddenSize = n1 + n2, OutputSize = output,
        EnrnnN2 = n2, EnrnnNegOnes = negOnes, DType = ScalarType.Float64,
    };

    static Generator Gen(ulong seed = 1) => new(seed, torch.CPU);

    static double Norm(Tensor t) => t.norm().ToDouble();

    static double Rho(Tensor w) => torch.linalg.eigvals(w).abs().max().ToDouble();

    static Dictionary<string, Tensor> Parameters(SequenceModel model) => model.named_parameters().ToDictionary(n => n.name, n => (Tensor)n.parameter);

    /// <summary>A model whose b, U and A1 are away from their init; W2 scaled so that ρ(W2) is <paramref name="rho"/>.</summary>
    static EnRnn Perturbed(ModelSpec spec, ulong seed, double rho)
    {
        var model = (EnRnn)ModelFactory.Create(spec, Gen(seed));
        var p = Parameters(model);
        using (torch.no_grad())
        {
            p["modrelu_bias"].copy_(torch.randn(p["modrelu_bias"].shape, ScalarType.Float64, generator: Gen(seed + 1)) * 0.1);
            p["input_weight"].mul_(50);
            p["a1.X"].add_(torch.randn(p["a1.X"].shape, ScalarType.Float64, generator: Gen(seed + 2)) * 0.3);
            // A generic W2 (the init's eigenvalue moduli come in equal pairs), then scaled to the wanted radius.
            var w2 = p["w2"].add_(torch.randn(p["w2"].shape, ScalarType.Float64, generator: Gen(seed + 3)) * 0.3);
            w2.mul_(rho / Rho(w2));
        }
        model.OnParametersUpdated();
        return model;
    }

    static Tensor ModRelu(Tensor z, Tensor b) => z.sign() * (z.abs() + b).clamp_min(0);

    [Theory]
    [InlineData(0.8, false)]
    [InlineData(1.7, true)]
    public void Cell_matches_the_direct_block_computation(double rho, bool normalised)
    {
        var spec = Spec();
        var model = Perturbed(spec, 3, rho);
        var x = torch.randn([5, 2, 3], ScalarType.Float64, generator: Gen(10));
        var (output, state) = model.Forward(x, null, Readout.AllSteps);
        Assert.Equal(normalised, model.Normalised);

        var p = Parameters(model);
        var a1 = Initializers.Skew(p["a1.X"]);
        var eye = torch.eye(4, dtype: ScalarType.Float64);
        var w1 = torch.linalg.inv(eye + a1).matmul(eye - a1).matmul(torch.diag(torch.tensor(new[] { 1.0, 1, 1, -1 })));
        var w2Bar = normalised ? p["w2"] / Rho(p["w2"]) : p["w2"];
        for (int b = 0; b < 2; b++)
        {
            var h1 = torch.zeros(1, 4, ScalarType.Float64);
            var h2 = torch.zeros(1, 3, ScalarType.Float64);
            for (int t = 0; t < 5; t++)
            {
                // Row form: z = x U + [h1 W1 + h2 W3, h2 W̄2] + b.
                var xu = x[t, b].unsqueeze(0).matmul(p["input_weight"]);
                var z1 = xu.narrow(1, 0, 4) + h1.matmul(w1) + h2.matmul(p["w3"]);
                var z2 = xu.narrow(1, 4, 3) + h2.matmul(w2Bar);
                var bias = p["modrelu_bias"];
                (h1, h2) = (ModRelu(z1, bias.narrow(0, 0, 4)), ModRelu(z2, bias.narrow(0, 4, 3)));
                var hidden = torch.cat([h1, h2], 1).squeeze(0);
                var decoded = p["decoder_weight"].matmul(hidden) + p["decoder_bias"];
                Assert.True(Norm(decoded - output[t, b]) < 1e-12, $"t={t} b={b}");
            }
            Assert.True(Norm(torch.cat([h1, h2], 1).squeeze(0) - state.Parts[0][b]) < 1e-12);
        }
    }

    [Fact]
    public void Init_follows_EN()
    {
        var spec = Spec(n1: 6, n2: 5, negOnes: 2);
        var model = (EnRnn)ModelFactory.Create(spec, Gen(6));
        var p = Parameters(model);
        Assert.Equal(0.0, Norm(p["modrelu_bias"]));
        Assert.Equal([3L, 11L], p["input_weight"].shape);
        Assert.All(p["input_weight"].data<double>().ToArray(), v => Assert.InRange(v, -0.01, 0.01));
        double glorot = Math.Sqrt(6.0 / (5 + 6));
        Assert.Equal([5L, 6L], p["w3"].shape);
        Assert.All(p["w3"].data<double>().ToArray(), v => Assert.InRange(v, -glorot, glorot));
        // A1: positive Cayley init, tan(u/2) in [0, 1) at (2j, 2j+1), zero elsewhere in the upper triangle.
        var a1 = p["a1.X"];
        for (int j = 0; j < 3; j++) Assert.InRange(a1[2 * j, 2 * j + 1].ToDouble(), 1e-12, 1);
        Assert.Equal(0.0, Norm(a1.triu(1)) - Norm(torch.stack([a1[0, 1], a1[2, 3], a1[4, 5]])), 12);
        // W1 = cay(A1) D1 with the two -1's at the end.
        var w1 = model.ScoRnnBlock();
        Assert.True(Norm(w1.t().matmul(w1) - torch.eye(6, dtype: ScalarType.Float64)) < 1e-12);
        Assert.Equal(new double[] { 1, 1, 1, 1, -1, -1 }, model.get_buffer("d1")!.data<double>().ToArray());
        // W2 = cay(A2) D2: W2ᵀ W2 = D2², D2 = (d_odd, d_0, d_0, d_1, d_1) with |d| < 1, so ρ(W2) < 1 and the flag stays off.
        var gram = p["w2"].t().matmul(p["w2"]);
        Assert.True(Norm(gram - torch.diag(gram.diagonal())) < 1e-12);
        var squares = gram.diagonal().data<double>().ToArray();
        Assert.Equal(squares[1], squares[2], 12);
        Assert.Equal(squares[3], squares[4], 12);
        Assert.All(squares, v => Assert.InRange(v, 0, 1));
        Assert.True(Rho(p["w2"]) < 1);
        model.Forward(torch.zeros([2, 1, 3], ScalarType.Float64), null, Readout.LastStep);
        Assert.False(model.Normalised);
    }

    [Fact]
    public void Normalisation_starts_once_the_radius_exceeds_one_and_stays_on()
    {
        var model = (EnRnn)ModelFactory.Create(Spec(), Gen(7));
        var w2 = Parameters(model)["w2"];
        var x = torch.randn([3, 2, 3], ScalarType.Float64, generator: Gen(8));
        model.Forward(x, null, Readout.LastStep);
        Assert.False(model.Normalised);
        Assert.Equal(0.0, Norm(model.NormalisedBlock() - w2));

        using (torch.no_grad()) w2.mul_(1.5 / Rho(w2));
        model.Forward(x, null, Readout.LastStep);
        Assert.True(model.Normalised);
        Assert.Equal(1.0, Rho(model.NormalisedBlock()), 12);
        Assert.Equal(1L, model.get_buffer("normalised")!.item<long>());

        // Back below 1: the flag is sticky, W̄2 is still W2 / ρ(W2).
        using (torch.no_grad()) w2.mul_(0.5);
        model.Forward(x, null, Readout.LastStep);
        Assert.True(model.Normalised);
        Assert.Equal(1.0, Rho(model.NormalisedBlock()), 12);
        Assert.Equal(0.0, Norm(model.NormalisedBlock() * Rho(w2) - w2), 12);
    }

    [Fact]
    public void Spectral_radius_value_and_gradient_match_eigvals_and_finite_differences()
    {
        foreach (ulong seed in new ulong[] { 30, 31, 32 })
        {
            var w = torch.randn([5, 5], ScalarType.Float64, generator: Gen(seed)).requires_grad_(true);
            var weights = torch.randn([5, 5], ScalarType.Float64, generator: Gen(seed + 100));
            var rho = EnRnn.SpectralRadius(w);
            Assert.Equal(Rho(w.detach()), rho.ToDouble(), 12);
            // A loss that reaches ρ both directly and through W / ρ, as the model does.
            Func<Tensor, Tensor> f = m => (m / EnRnn.SpectralRadius(m) * weights).sum() + EnRnn.SpectralRadius(m).square();
            f(w).backward();
            var grad = w.grad!;
            using var _ = torch.no_grad();
            for (int i = 0; i < 5; i++)
                for (int j = 0; j < 5; j++)
                {
                    var plus = w.detach().clone(); plus[i, j] += 1e-6;
                    var minus = w.detach().clone(); minus[i, j] -= 1e-6;
                    double numeric = (f(plus).ToDouble() - f(minus).ToDouble()) / 2e-6;
                    Assert.True(Math.Abs(numeric - grad[i, j].ToDouble()) < 1e-7, $"seed {seed} [{i},{j}]: {numeric} vs {grad[i, j].ToDouble()}");
                }
        }
    }

    [Theory]
    [InlineData(0.8, false)]
    [InlineData(1.7, true)]
    public void Gradients_of_every_parameter_match_finite_differences(double rho, bool normalised)
    {
        foreach (bool fused in new[] { false, true })
        {
            var model = Perturbed(Spec(n1: 3, n2: 3, input: 2, output: 3, negOnes: 1) with { Fused = fused }, 41, rho);
            var x = torch.randn([4, 2, 2], ScalarType.Float64, generator: Gen(42));
            Func<Tensor> objective = () => model.Forward(x, null, Readout.AllSteps).Output.pow(2).sum();
            objective().backward();
            Assert.Equal(normalised, model.Normalised);
            // Every entry of every parameter.
            FiniteDifferences.AssertEveryParameter(model, () => objective().ToDouble(), $"fused={fused}", entries: int.MaxValue, tolerance: 1e-6);
        }
    }

    [Fact]
    public void Parameter_count_counts_A1_as_a_strict_upper_triangle()
    {
        int n1 = 4, n2 = 3, h = n1 + n2, i = 3, o = 4;
        long expected = n1 * (n1 - 1) / 2   // A1 (skew)
            + n2 * n2                       // W2
            + n2 * n1                       // W3
            + i * h + h                     // U, modReLU bias
            + o * h + o;                    // decoder
        Assert.Equal(87, expected);
        Assert.Equal(expected, ModelFactory.Create(Spec(n1, n2, i, o), Gen()).ParameterCount);
    }

    [Fact]
    public void A1_alone_takes_the_recurrent_rate_and_no_group_has_weight_decay()
    {
        var model = ModelFactory.Create(Spec(), Gen());
        var groups = model.ParameterGroups();
        Assert.Equal(["main", "recurrent"], groups.Select(g => g.Name));
        var names = model.named_parameters().ToDictionary(n => n.parameter.Handle, n => n.name);
        Assert.Equal(["decoder_bias", "decoder_weight", "input_weight", "modrelu_bias", "w2", "w3"], groups[0].Parameters.Select(p => names[p.Handle]).Order());
        Assert.Equal(["a1.X"], groups[1].Parameters.Select(p => names[p.Handle]));
        Assert.Equal(GroupRate.Recurrent, groups[1].Rate);
        Assert.All(groups, g => Assert.Equal(0.0, g.WeightDecay));
        Assert.Null(model.RegularizationLoss());
    }

    [Fact]
    public void Copy_task_K3_L10_goes_below_the_baseline()
    {
        var config = TestRuns.Config(("task", "copy"), ("model", "enrnn"), ("hidden_size", "32"), ("enrnn_n2", "8"), ("recall_length", "3"),
            ("delay_length", "10"), ("batch_size", "32"), ("iterations", "500"), ("rmsprop_lr", "1e-2"), ("rmsprop_constr_lr", "1e-3"), ("log_every", "100"));
        TestRuns.TrainBelowBaseline(config, "enrnn");
    }
}
