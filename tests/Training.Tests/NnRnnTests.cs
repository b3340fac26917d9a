using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tests;

/// <summary>nnRNN (docs/models.md §2.8): the cell, the Schur-like structure of V, the init, the groups, the penalty, the gradients.</summary>
[Collection("Serial")]
public class NnRnnTests
{
    static ModelSpec Spec(int hidden = 6, int input = 3, int output = 4) => new()
    {
        Model = ModelKind.Parse("nnrnn"), Nonlinear = "modrelu", Mode = "none", InputSize = input, HiddenSize = hidden, OutputSize = output,
        Init = "cayley", Delta = 0.5, TDecay = 1e-3, DType = ScalarType.Float64,
    };

    static Generator Gen(ulong seed = 1) => new(seed, torch.CPU);

    static double Norm(Tensor t) => t.norm().ToDouble();

    static Dictionary<string, Tensor> Parameters(SequenceModel model) => model.named_parameters().ToDictionary(n => n.name, n => (Tensor)n.parameter);

    /// <summary>Moves T, θ and γ away from their init so that every part of V matters.</summary>
    static NnRnn Perturbed(ModelSpec spec, ulong seed)
    {
        var model = (NnRnn)ModelFactory.Create(spec, Gen(seed));
        var p = Parameters(model);
        using (torch.no_grad())
        {
            p["t"].copy_(torch.randn(p["t"].shape, ScalarType.Float64, generator: Gen(seed + 1)) * 0.3);
            p["gamma"].add_(torch.randn(p["gamma"].shape, ScalarType.Float64, generator: Gen(seed + 2)) * 0.2);
            p["log_p.X"].add_(torch.randn(p["log_p.X"].shape, ScalarType.Float64, generator: Gen(seed + 3)) * 0.3);
        }
        model.OnParametersUpdated();
        return model;
    }

    [Fact]
    public void Cell_matches_the_column_form_built_entry_by_entry()
    {
        var spec = Spec();
        var model = Perturbed(spec, 3);
        var x = torch.randn([5, 2, 3], ScalarType.Float64, generator: Gen(10));
        var (output, state) = model.Forward(x, null, Readout.AllSteps);

        var p = Parameters(model);
        int h = 6;
        var pm = torch.linalg.matrix_exp(Initializers.Skew(p["log_p.X"]));
        var core = torch.zeros([h, h], ScalarType.Float64);
        for (int i = 0; i < h; i++)
            for (int j = i + 1; j < h; j++)
                core[i, j] = p["t"][i, j];
        for (int k = 0; k < h / 2; k++)
        {
            double th = p["theta"][k].ToDouble(), ga = p["gamma"][k].ToDouble();
            core[2 * k, 2 * k] = ga * Math.Cos(th);
            core[2 * k, 2 * k + 1] += -ga * Math.Sin(th); // M_< covers this entry: T adds to the block
            core[2 * k + 1, 2 * k] = ga * Math.Sin(th);
            core[2 * k + 1, 2 * k + 1] = ga * Math.Cos(th);
        }
        var v = pm.matmul(core).matmul(pm.t());
        for (int b = 0; b < 2; b++)
        {
            var hidden = torch.zeros(h, ScalarType.Float64);
            for (int t = 0; t < 5; t++)
            {
                // Column form of h V: Vᵀ h; modReLU written out per unit.
                var z = p["input_weight"].matmul(x[t, b]) + v.t().matmul(hidden);
                var next = new double[h];
                for (int i = 0; i < h; i++)
                {
                    double zi = z[i].ToDouble();
                    next[i] = Math.Sign(zi) * Math.Max(0, Math.Abs(zi) + p["modrelu_bias"][i].ToDouble());
                }
                hidden = torch.tensor(next, ScalarType.Float64);
                var decoded = p["decoder_weight"].matmul(hidden) + p["decoder_bias"];
                Assert.True(Norm(decoded - output[t, b]) < 1e-12, $"t={t} b={b}");
            }
            Assert.True(Norm(hidden - state.Parts[0][b]) < 1e-12);
        }
    }

    [Fact]
    public void V_is_P_times_strict_upper_T_plus_scaled_rotation_blocks_times_P_transposed()
    {
        var model = Perturbed(Spec(hidden: 8), 5);
        var p = Parameters(model);
        var basis = model.Basis();
        Assert.True(Norm(basis.t().matmul(basis) - torch.eye(8, dtype: ScalarType.Float64)) < 1e-12, "P is not orthogonal");
        var core = basis.t().matmul(model.RecurrentMatrix()).matmul(basis);
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++)
            {
                double value = core[i, j].ToDouble();
                if (i / 2 == j / 2)
                {
                    // Block k = γ_k R(θ_k) = γ_k [[cos, -sin], [sin, cos]]; its upper right entry is in M_< too, so T adds to it.
                    int k = i / 2;
                    double th = p["theta"][k].ToDouble(), ga = p["gamma"][k].ToDouble();
                    double expected = (i % 2, j % 2) switch
                    {
                        (0, 0) or (1, 1) => ga * Math.Cos(th),
                        (0, 1) => p["t"][i, j].ToDouble() - ga * Math.Sin(th),
                        _ => ga * Math.Sin(th),
                    };
                    Assert.Equal(expected, value, 12);
                }
                else if (j > i) Assert.Equal(p["t"][i, j].ToDouble(), value, 12);
                else Assert.Equal(0.0, value, 12); // T's lower triangle is masked out
            }
        // The lower triangle of T is nonzero here, yet V ignores it.
        Assert.True(Norm(p["t"].tril(-1)) > 0.1);
    }

    [Fact]
    public void Initial_T_is_zero_gamma_one_theta_in_range_and_P_from_the_skew_initialiser()
    {
        var model = (NnRnn)ModelFactory.Create(Spec(hidden: 10), Gen(4));
        var p = Parameters(model);
        Assert.Equal(0.0, Norm(p["t"]));
        Assert.Equal(Enumerable.Repeat(1.0, 5), p["gamma"].data<double>().ToArray());
        Assert.Equal([5L], p["theta"].shape);
        Assert.All(p["theta"].data<double>().ToArray(), v => Assert.InRange(v, 0, 6.28));
        // Cayley init: s_j = -tan(u/2) in (-1, 0] at (2j, 2j+1), not left at zero as the published code effectively does.
        var x = p["log_p.X"];
        for (int j = 0; j < 5; j++) Assert.InRange(x[2 * j, 2 * j + 1].ToDouble(), -1, -1e-12);
        Assert.Equal(0.0, x[0, 2].ToDouble());
        Assert.All(p["modrelu_bias"].data<double>().ToArray(), v => Assert.InRange(v, -0.01, 0.01));
        // Xavier-normal U: std sqrt(2 / (H + I)) = 0.0707 for 300 x 100; with an embedding, Kaiming-normal (std sqrt(2 / I) = 1 for I = 2).
        var big = (NnRnn)ModelFactory.Create(Spec(hidden: 300, input: 100) with { Init = "henaff" }, Gen(4));
        Assert.InRange(Parameters(big)["input_weight"].std().ToDouble(), 0.068, 0.073);
        var embedded = ModelFactory.Create(Spec(hidden: 400, input: 2) with { VocabularySize = 5 }, Gen(4));
        Assert.InRange(Parameters(embedded)["input_weight"].std().ToDouble(), 0.95, 1.05);
    }

    [Fact]
    public void Parameter_count_counts_T_and_Lambda_P_as_strict_upper_triangles()
    {
        int h = 6, i = 3, o = 4;
        long expected = h * i       // U, no bias
            + h                     // modReLU bias
            + h / 2 + h / 2         // θ, γ
            + h * (h - 1) / 2       // T (strict upper triangle)
            + h * (h - 1) / 2       // Λ_P (skew)
            + o * h + o;            // decoder
        Assert.Equal(88, expected);
        Assert.Equal(expected, ModelFactory.Create(Spec(h, i, o), Gen()).ParameterCount);
    }

    [Fact]
    public void Weight_decay_is_only_on_T_and_Lambda_P_alone_takes_the_recurrent_rate()
    {
        var model = ModelFactory.Create(Spec() with { TDecay = 1e-4 }, Gen());
        var groups = model.ParameterGroups();
        Assert.Equal(["main", "t", "recurrent"], groups.Select(g => g.Name));
        var names = model.named_parameters().ToDictionary(n => n.parameter.Handle, n => n.name);
        string[] Names(ParameterGroup g) => g.Parameters.Select(p => names[p.Handle]).Order().ToArray();
        Assert.Equal(["decoder_bias", "decoder_weight", "gamma", "input_weight", "modrelu_bias", "theta"], Names(groups[0]));
        Assert.Equal((GroupRate.Main, 0.0), (groups[0].Rate, groups[0].WeightDecay));
        Assert.Equal(["t"], Names(groups[1]));
        Assert.Equal((GroupRate.Main, 1e-4), (groups[1].Rate, groups[1].WeightDecay));
        Assert.Equal(["log_p.X"], Names(groups[2]));
        Assert.Equal((GroupRate.Recurrent, 0.0), (groups[2].Rate, groups[2].WeightDecay));
    }

    [Fact]
    public void Penalty_is_delta_times_the_squared_distance_of_gamma_from_one()
    {
        var model = ModelFactory.Create(Spec() with { Delta = 0.25 }, Gen());
        Assert.Equal(0.0, model.RegularizationLoss()!.ToDouble());
        using (torch.no_grad()) Parameters(model)["gamma"].copy_(torch.tensor(new[] { 1.5, 0.0, 3.0 }, ScalarType.Float64));
        Assert.Equal(0.25 * (0.25 + 1 + 4), model.RegularizationLoss()!.ToDouble(), 14);
        Assert.Null(ModelFactory.Create(Spec() with { Delta = 0 }, Gen()).RegularizationLoss());
    }

    [Fact]
    public void Gradients_of_every_parameter_and_of_the_penalty_match_finite_differences()
    {
        foreach (bool fused in new[] { false, true })
        {
            var model = Perturbed(Spec(hidden: 4, input: 2, output: 3) with { Fused = fused }, 21);
            var x = torch.randn([3, 2, 2], ScalarType.Float64, generator: Gen(22));
            Func<Tensor> objective = () => model.Forward(x, null, Readout.AllSteps).Output.pow(2).sum() + model.RegularizationLoss()!;
            objective().backward();
            // Every entry of every parameter.
            FiniteDifferences.AssertEveryParameter(model, () => objective().ToDouble(), $"fused={fused}", entries: int.MaxValue, tolerance: 1e-6);
        }
    }

    [Fact]
    public void Odd_hidden_size_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ModelFactory.Create(Spec(hidden: 5), Gen()));
        var e = Assert.Throws<ConfigurationException>(() => ModelSpecResolver.Check(TestRuns.TinyCopy("nnrnn", ("hidden_size", "7"))));
        Assert.Contains("even hidden_size", e.Message);
    }

    [Fact]
    public void Copy_task_K3_L10_goes_below_the_baseline()
    {
        var config = TestRuns.Config(("task", "copy"), ("model", "nnrnn"), ("hidden_size", "32"), ("recall_length", "3"), ("delay_length", "10"),
            ("batch_size", "32"), ("iterations", "500"), ("rmsprop_lr", "1e-2"), ("rmsprop_constr_lr", "1e-3"), ("log_every", "100"));
        TestRuns.TrainBelowBaseline(config, "nnrnn");
    }
}
