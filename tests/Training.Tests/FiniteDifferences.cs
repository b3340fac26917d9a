using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tests;

/// <summary>Autograd against central finite differences of a float64 objective, for every parameter of a model.</summary>
public static class FiniteDifferences
{
    /// <summary>
    /// For every parameter of <paramref name="model"/>, up to <paramref name="entries"/> entries spread evenly over the tensor
    /// (so that every gate slice and block of a concatenated weight gets some): (f(θ + ε) − f(θ − ε)) / 2ε against the stored
    /// gradient, within <paramref name="tolerance"/> · (1 + |gradient|). The caller has run the backward pass of the same objective.
    /// </summary>
    public static void AssertEveryParameter(SequenceModel model, Func<double> objective, string label, int entries = 8, double tolerance = 1e-5)
    {
        const double step = 1e-6;
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.True(p.grad is not null, $"{label} {name}: no gradient");
            var grad = p.grad!.clone().view(-1);
            var flat = p.view(-1);
            long n = flat.shape[0];
            long count = Math.Min(n, entries);
            for (long e = 0; e < count; e++)
            {
                long i = e * n / count;
                double original = flat[i].ToDouble();
                using (torch.no_grad()) flat[i] = original + step;
                double up = objective();
                using (torch.no_grad()) flat[i] = original - step;
                double down = objective();
                using (torch.no_grad()) flat[i] = original;
                double numeric = (up - down) / (2 * step), analytic = grad[i].ToDouble();
                Assert.True(Math.Abs(numeric - analytic) < tolerance * (1 + Math.Abs(analytic)), $"{label} {name}[{i}]: numeric {numeric}, analytic {analytic}");
            }
        }
    }

    /// <summary>
    /// The objective Σ w ⊙ output + Σ w' ⊙ (every part of the final state), with fixed random weights, so the gradient
    /// reaches every parameter through both; its backward pass, then <see cref="AssertEveryParameter"/>.
    /// </summary>
    public static void AssertOutputAndState(SequenceModel model, Tensor x, string label, int entries = 40)
    {
        var g = new Generator(99, torch.CPU);
        var (output, state) = model.Forward(x, null, Readout.AllSteps);
        var outputWeights = torch.randn(output.shape, ScalarType.Float64, generator: g);
        var stateWeights = state.Parts.Select(p => torch.randn(p.shape, ScalarType.Float64, generator: g)).ToArray();
        Tensor Objective()
        {
            var (o, s) = model.Forward(x, null, Readout.AllSteps);
            var loss = (o * outputWeights).sum();
            for (int i = 0; i < s.Parts.Count; i++) loss = loss + (s.Parts[i] * stateWeights[i]).sum();
            return loss;
        }
        model.zero_grad();
        Objective().backward();
        AssertEveryParameter(model, () => Objective().ToDouble(), label, entries, tolerance: 1e-6);
    }
}
