using System.Globalization;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Cli;

/// <summary>A line per log point for a person: step, loss, accuracy or bpc, iterations per second.</summary>
public sealed class ConsoleTrainingObserver(TextWriter output, RunConfig config) : ITrainingObserver
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public void Started(long parameters, string device) =>
        output.WriteLine($"{config.Task} {config.Model} hidden {config.HiddenSize}: {parameters.ToString("N0", Invariant)} parameters on {device}");

    public void Resumed(long step, int epoch, string checkpoint) =>
        output.WriteLine($"resumed from step {step} (epoch {epoch}) of {checkpoint}");

    public void Logged(MetricsPoint p)
    {
        var parts = new List<string>();
        parts.Add(config.IsEpochTask ? $"epoch {p.Epoch,3} step {p.Step,7}" : $"step {p.Step,6}/{config.Iterations}");
        parts.Add(p.Kind == "eval" ? "[eval]" : "      ");
        if (p.Loss is { } loss) parts.Add($"loss {loss.ToString("0.000000", Invariant)}");
        if (p.Baseline is { } baseline && p.Kind == "train") parts.Add($"baseline {baseline.ToString("0.000000", Invariant)}");
        if (p.Accuracy is { } acc) parts.Add($"acc {acc.ToString("0.00", Invariant)}%");
        if (p.Bpc is { } bpc) parts.Add($"bpc {bpc.ToString("0.0000", Invariant)}");
        if (p.TestAccuracy is { } testAcc) parts.Add($"test acc {testAcc.ToString("0.00", Invariant)}%");
        if (p.ValidBpc is { } validBpc) parts.Add($"valid bpc {validBpc.ToString("0.0000", Invariant)}");
        if (p.TestBpc is { } testBpc) parts.Add($"test bpc {testBpc.ToString("0.0000", Invariant)}");
        if (p.IterationsPerSecond is { } rate) parts.Add($"{rate.ToString("0.0", Invariant)} it/s");
        output.WriteLine(string.Join(" | ", parts));
    }

    public void CheckpointWritten(long step, string path, double seconds) { }

    public void Warning(string message) => Console.Error.WriteLine("warning: " + message);

    public void Finished(RunResult r)
    {
        var summary = r.Status == "completed" ? "completed" : $"{r.Status}: {r.Reason}";
        var numbers = new List<string> { $"{r.Steps} steps", $"{r.Elapsed.ToString("0.0", Invariant)} s" };
        if (r.FinalLoss is { } loss) numbers.Add($"final loss {loss.ToString("0.000000", Invariant)}");
        if (r.BestTestAccuracy is { } acc) numbers.Add($"best test acc {acc.ToString("0.00", Invariant)}%");
        if (r.TestBpc is { } bpc) numbers.Add($"test bpc {bpc.ToString("0.0000", Invariant)}");
        output.WriteLine($"{summary}: {string.Join(", ", numbers)}");
    }
}
