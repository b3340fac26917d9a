using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tests;

/// <summary>Autograd against central finite differences, in float64, for every parameter of a model.</summary>
public static class GradientCheck
{
    /// <summary>
    /// Loss = Σ w ⊙ output + Σ w' ⊙ (every part of the final state), so the gradient reaches every parameter through both.
    /// Up to <paramref name="perParameter"/> entries of each parameter are checked, spread evenly over it so that every
    /// gate slice and every block of a concatenated weight gets some.
    /// </summary>
    public static void AssertMatchesFiniteDifferences(SequenceModel net, Tensor x, string label, int perParameter = 40)
    {
        var g = new Generator(99, torch.CPU);
        var (output, state) = net.Forward(x, null, Readout.AllSteps);
        var outputWeights = torch.randn(output.shape, ScalarType.Float64, generator: g);
        var stateWeights = state.Parts.Select(p => torch.randn(p.shape, ScalarType.Float64, generator: g)).ToArray();
        Tensor Loss()
        {
            var (o, s) = net.Forward(x, null, Readout.AllSteps);
            var loss = (o * outputWeights).sum();
            for (int i = 0; i < s.Parts.Count; i++) loss = loss + (s.Parts[i] * stateWeights[i]).sum();
            return loss;
        }
        net.zero_grad();
        Loss().backward();
        int checkedParameters = 0;
        foreach (var (name, p) in net.named_parameters())
        {
            Assert.NotNull(p.grad);
            var grad = p.grad!.clone().view(-1);
            var flat = p.view(-1);
            long n = flat.shape[0], stride = Math.Max(1, n / perParameter);
            for (long i = 0; i < n; i += stride)
            {
                double original = flat[i].ToDouble();
                double up, down;
                using (torch.no_grad())
                {
                    flat[i] = original + 1e-6;
                    up = Loss().ToDouble();
                    flat[i] = original - 1e-6;
                    down = Loss().ToDouble();
                    flat[i] = original;
                }
                double numeric = (up - down) / 2e-6, analytic = grad[i].ToDouble();
                Assert.True(Math.Abs(numeric - analytic) < 1e-6 + 1e-6 * Math.Abs(analytic), $"{label} {name}[{i}]: autograd {analytic}, finite differences {numeric}");
            }
            checkedParameters++;
        }
        Assert.Equal(net.parameters().Count(), checkedParameters);
    }
}
