using AsRnnGrid.Training.Loop;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using TorchSharp;
using TorchSharp.Modules;

namespace AsRnnGrid.Training.Tests;

public class OptimizerTests
{
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
