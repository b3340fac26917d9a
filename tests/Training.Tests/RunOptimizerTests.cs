using AsRnnGrid.Training.Loop;
using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tests;

/// <summary>The run's optimiser applies PyTorch's RMSprop per group (spec §1): v = αv + (1-α)g², θ -= lr g / (√v + 1e-8).</summary>
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
            Model = modelName, Nonlinear = "modrelu", Mode = modelName == "exprnn" ? "exprnn" : "none", InputSize = 2, HiddenSize = 4, OutputSize = 2,
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
}
