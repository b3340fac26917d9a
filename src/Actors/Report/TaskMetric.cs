using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Report;

/// <summary>
/// What a task is judged by, in the table (one number per run, from result.json) and in the figure (a curve per run,
/// from metrics.jsonl): the papers' choices, spec §7.
/// </summary>
public sealed record TaskMetric
{
    /// <summary>Column heading of the table.</summary>
    public required string Name { get; init; }
    /// <summary>The metric's short name in the CSV.</summary>
    public required string Key { get; init; }
    public required Func<RunResult, double?> FromResult { get; init; }
    /// <summary>True where the task has a memoryless baseline to show beside the metric (copy, adding).</summary>
    public bool HasBaseline { get; init; }
    public required string XLabel { get; init; }
    public required string YLabel { get; init; }
    /// <summary>The figure's point of a logged line, or null where the line does not carry the curve's value.</summary>
    public required Func<MetricsPoint, (double X, double Y)?> Curve { get; init; }
    /// <summary>Digits after the point in the tables.</summary>
    public int Decimals { get; init; } = 4;

    public static TaskMetric For(string task) => task switch
    {
        "copy" => new()
        {
            Name = "final cross-entropy (nats)", Key = "final_loss", FromResult = r => r.FinalLoss, HasBaseline = true,
            XLabel = "iterations", YLabel = "training cross-entropy (nats)",
            Curve = p => p.Kind == "train" && p.Loss is { } loss ? (p.Step, loss) : null,
            Decimals = 5,
        },
        "adding" => new()
        {
            Name = "final MSE", Key = "final_loss", FromResult = r => r.FinalLoss, HasBaseline = true,
            XLabel = "iterations", YLabel = "training mean squared error",
            Curve = p => p.Kind == "train" && p.Loss is { } loss ? (p.Step, loss) : null,
            Decimals = 5,
        },
        "smnist" or "pmnist" => new()
        {
            Name = "best test accuracy (%)", Key = "best_test_accuracy", FromResult = r => r.BestTestAccuracy,
            XLabel = "epochs", YLabel = "test accuracy (%)",
            Curve = p => p.Kind == "eval" && p.TestAccuracy is { } acc ? (p.Epoch, acc) : null,
            Decimals = 2,
        },
        "ptb" => new()
        {
            Name = "test bpc (bits per character)", Key = "test_bpc", FromResult = r => r.TestBpc,
            XLabel = "epochs", YLabel = "test bits per character (bits)",
            Curve = p => p.Kind == "eval" && p.TestBpc is { } bpc ? (p.Epoch, bpc) : null,
            Decimals = 3,
        },
        _ => throw new ArgumentException($"unknown task '{task}'"),
    };
}
