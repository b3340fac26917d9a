using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;

namespace AsRnnGrid.Actors.Report;

/// <summary>
/// One row of an experiment's table: one configuration (model, hidden size and whatever else the experiment's grid
/// varies: the runs' label without the seed) over its seeds. The metric's statistics are over completed runs only; the other runs are counted by state.
/// </summary>
public sealed record ConfigurationSummary
{
    public required string Experiment { get; init; }
    public required TaskKind Task { get; init; }
    public required ModelKind Model { get; init; }
    public required int HiddenSize { get; init; }
    /// <summary>The configuration's name: its runs' label without the seed ("asrnn h=32 lr=1e-3").</summary>
    public required string Label { get; init; }
    public required long Parameters { get; init; }
    public required TaskMetric Metric { get; init; }
    public SeedStatistics? Value { get; init; }
    /// <summary>The memoryless baseline of the loss (copy, adding), equal for every seed of a configuration.</summary>
    public double? Baseline { get; init; }
    public PublishedResult? Published { get; init; }
    public required IReadOnlyList<ReportRun> Runs { get; init; }

    public int Count(string state) => Runs.Count(r => r.State == state);

    /// <summary>The runs' states in words: "2 completed; 1 failed (seed 3: loss became NaN at step 12); 1 running (step 40)".</summary>
    public string StatesText()
    {
        var parts = new List<string>();
        foreach (var group in Runs.GroupBy(r => r.State).OrderBy(g => StateOrder(g.Key)))
        {
            var details = group.Key switch
            {
                "completed" => [],
                "running" or "retrying" or "stopped" => group.Select(r => $"seed {r.Seed}: step {LastStep(r)}" + (r.Reason is null ? "" : $", {r.Reason}")),
                // Early stopping: where it stopped; the rung table says why.
                "stopped early" or "paused" => group.Select(r => $"seed {r.Seed}: at step {LastStep(r)}"),
                _ => group.Where(r => r.Reason is not null).Select(r => $"seed {r.Seed}: {r.Reason}"),
            };
            var list = details.ToList();
            parts.Add($"{group.Count()} {group.Key}" + (list.Count > 0 ? $" ({string.Join("; ", list)})" : ""));
        }
        return string.Join("; ", parts);
    }

    static long LastStep(ReportRun r) => r.Points.Count > 0 ? r.Points[^1].Step : 0;

    /// <summary>Every run stopped early (none ran its whole length): the figure draws it dotted, to where it stopped.</summary>
    public bool StoppedEarly => Runs.All(r => r.State == "stopped early");

    /// <summary>The last step any of its runs logged.</summary>
    public long LastLoggedStep => Runs.Count == 0 ? 0 : Runs.Max(LastStep);

    static int StateOrder(string state) => state switch
    {
        "completed" => 0, "stopped early" => 1, "failed" => 2, "stopped" => 3, "running" => 4, "paused" => 5, "retrying" => 6, "pending" => 7, _ => 8,
    };
}
