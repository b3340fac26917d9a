using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Training.Tasks;

/// <summary>
/// What a task is judged by, in the table (one number per run, from result.json) and in the figure (a curve per run,
/// from metrics.jsonl): the papers' choices, docs/models.md §7. Each task's kind holds its own.
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
    /// <summary>True where the curve rises (accuracy) rather than falls (a loss): the figure's legend goes where the curves are not.</summary>
    public bool Rises { get; init; }
}
