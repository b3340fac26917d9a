using AsRnnGrid.Training.Models;
using TorchSharp;

namespace AsRnnGrid.Training.Tests;

/// <summary>Central finite differences of a float64 objective against the gradients left by its backward pass.</summary>
public static class FiniteDifferences
{
    /// <summary>
    /// For every parameter of <paramref name="model"/>, up to <paramref name="entries"/> entries spread over the tensor:
    /// (f(θ + ε) − f(θ − ε)) / 2ε against the stored gradient. The caller has run the backward pass of the same objective.
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
                Assert.True(Math.Abs(numeric - analytic) < tolerance, $"{label} {name}[{i}]: numeric {numeric}, analytic {analytic}");
            }
        }
    }
}
