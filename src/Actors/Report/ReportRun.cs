using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Report;

/// <summary>
/// One run as the report sees it: what the sweep says of it (or, without a sweep-status.json, what its folder says),
/// its resolved configuration, its result once it has ended and its logged points so far.
/// </summary>
public sealed record ReportRun
{
    public required string Id { get; init; }
    public required string Experiment { get; init; }
    /// <summary>The run's name within its experiment (<see cref="Grid.RunLabel"/>): the sweep's, or made from the experiment's configurations where the sweep wrote none.</summary>
    public required RunLabel Label { get; init; }
    /// <summary>pending | running | retrying | completed | failed | paused | stopped early | stopped.</summary>
    public required string State { get; init; }
    /// <summary>Its experiment's early stopping (configurations × rungs) as the sweep's status shows it; null without.</summary>
    public Sweep.RungTable? RungTable { get; init; }
    public string? Reason { get; init; }
    /// <summary>The run.yaml's configuration; for a run not started yet, the task's defaults with its model, hidden size and seed.</summary>
    public required RunConfig Config { get; init; }
    /// <summary>False where <see cref="Config"/> was not read from a run.yaml (the other options are then only the task's defaults).</summary>
    public bool ConfigFromRun { get; init; }
    public RunResult? Result { get; init; }
    public IReadOnlyList<MetricsPoint> Points { get; init; } = [];
    /// <summary>The run's folder (runs/&lt;id&gt; under the results folder).</summary>
    public required string Folder { get; init; }

    public TaskKind Task => Config.Task;
    public ModelKind Model => Config.Model;
    public int HiddenSize => Config.HiddenSize;
    public long Seed => Config.RandomSeed;
}
