using AsRnnGrid.Training.Loop;
using AsRnnGrid.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using AsRnnGrid.Training.Tasks;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tests;

/// <summary>The run's optimiser applies PyTorch's RMSprop per group (docs/models.md §1): v = αv + (1-α)g², θ -= lr g / (√v + 1e-8).</summary>
public class RunOptimizerTests
{
    [Fact]
    public void Rmsprop_steps_follow_the_formula_with_each_groups_rate()
        => AssertTwoRmspropSteps("exprnn", "recurrent_kernel.X", decayed: null, decay: 0);

    /// <summary>nnRNN: weight decay (λθ added to the gradient) on T alone; Λ_P alone at the recurrent rate.</summary>
    [Fact]
    public void Rmsprop_decays_only_nnrnn_T()
        => AssertTwoRmspropSteps("nnrnn", "log_p.X", decayed: "t", decay: 0.3);

    /// <summary>
    /// Two steps with a fixed gradient c per parameter, from a state where every parameter is nonzero, against
    /// v = αv + (1-α)g², θ -= lr g / (√v + 1e-8), g = c (+ λθ for the decayed parameter).
    /// </summary>
    static void AssertTwoRmspropSteps(string modelName, string recurrent, string? decayed, double decay)
    {
        const double lr = 0.1, constrLr = 0.01, alpha = 0.9;
        var config = TestRuns.TinyCopy(modelName, ("rmsprop_lr", "0.1"), ("rmsprop_constr_lr", "0.01"), ("alpha", "0.9"));
        var spec = new ModelSpec
        {
            Model = ModelKind.Parse(modelName), Nonlinear = "modrelu", Mode = modelName == "exprnn" ? "exprnn" : "none", InputSize = 2, HiddenSize = 4, OutputSize = 2,
            TDecay = decay, DType = ScalarType.Float64,
        };
        var model = ModelFactory.Create(spec, new Generator(3, torch.CPU));
        var p = model.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        if (decayed is not null) using (torch.no_grad()) p[decayed].fill_(1.0);
        var optimizer = RunOptimizer.Create(config, model);
        var c = p.ToDictionary(kv => kv.Key, kv => torch.randn(kv.Value.shape, ScalarType.Float64, generator: new Generator(9, torch.CPU)));
        var v = p.ToDictionary(kv => kv.Key, kv => torch.zeros(kv.Value.shape, ScalarType.Float64));
        for (int step = 0; step < 2; step++)
        {
            var before = p.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
            optimizer.zero_grad();
            p.Select(kv => (kv.Value * c[kv.Key]).sum()).Aggregate((a, b) => a + b).backward();
            optimizer.step();
            foreach (var (name, parameter) in p)
            {
                var g = name == decayed ? c[name] + decay * before[name] : c[name];
                v[name] = alpha * v[name] + (1 - alpha) * g.square();
                double rate = name == recurrent ? constrLr : lr;
                var expected = before[name] - rate * g / (v[name].sqrt() + 1e-8);
                Assert.True((parameter.detach() - expected).abs().max().ToDouble() < 1e-12, $"{modelName} step {step}: {name}");
            }
        }
    }

    static (SequenceModel Model, OptimizerHelper Optimizer) Build(params (string, string)[] options)
    {
        var config = TestRuns.TinyCopy("asrnn", options);
        var spec = Configuration.ModelSpecResolver.Resolve(config, TaskShape.Nominal(config));
        var model = ModelFactory.Create(spec, new torch.Generator(1, torch.CPU));
        return (model, RunOptimizer.Create(config, model));
    }

    [Fact]
    public void Rmsprop_trains_the_recurrent_kernel_at_its_own_rate()
    {
        var (model, optimizer) = Build(("rmsprop_lr", "0.01"), ("rmsprop_constr_lr", "0.001"));
        Assert.IsType<RMSProp>(optimizer);
        Assert.Equal(new[] { 0.01, 0.001 }, optimizer.ParamGroups.Select(g => g.LearningRate));
        Assert.Equal(["main", "recurrent"], model.ParameterGroups().Select(g => g.Name));
        Assert.Contains(model.ParameterGroups()[1].Parameters, p => ReferenceEquals(p, model.named_parameters().First(n => n.name == "recurrent_kernel.X").parameter));
    }

    [Fact]
    public void Adam_takes_the_same_groups_and_rates()
    {
        var (_, optimizer) = Build(("optimizer", "adam"), ("rmsprop_lr", "0.002"), ("rmsprop_constr_lr", "0.0002"), ("adam_beta1", "0"));
        Assert.IsType<Adam>(optimizer);
        Assert.Equal(new[] { 0.002, 0.0002 }, optimizer.ParamGroups.Select(g => g.LearningRate));
    }

    [Fact]
    public void Adam_run_resumed_midway_is_bit_identical()
        => ResumeExactnessTests.AssertResumeIsExact(TestRuns.TinyCopy("lstm", ("optimizer", "adam"), ("adam_beta1", "0.5")), stopAfter: 5);

    [Fact]
    public void Adam_and_rmsprop_follow_different_trajectories()
    {
        var rms = TestRuns.NewFolder();
        var adam = TestRuns.NewFolder();
        TestRuns.Train(TestRuns.TinyCopy("lstm"), rms);
        TestRuns.Train(TestRuns.TinyCopy("lstm", ("optimizer", "adam")), adam);
        Assert.NotEqual(TestRuns.FinalModelBytes(rms), TestRuns.FinalModelBytes(adam));
    }
}
