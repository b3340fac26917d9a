using System.Text.Json;
using System.Text.Json.Serialization;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// sweep-status.json in the results folder: the supervisor's view of every run and device, rewritten
/// atomically at most once a tick (<see cref="StatusSnapshot"/>), off the supervisor's thread. `status` and `report` read it; they never open the ledger, so they cannot
/// block or change a running sweep. The ledger (the supervisor's journal) stays the source of truth.
/// </summary>
public sealed record SweepStatus
{
    public const string FileName = "sweep-status.json";

    [JsonPropertyName("sweep_file")] public required string SweepFile { get; init; }
    [JsonPropertyName("updated")] public required DateTimeOffset Updated { get; init; }
    [JsonPropertyName("state")] public required SweepState State { get; init; }
    [JsonPropertyName("runs")] public required IReadOnlyList<RunStatus> Runs { get; init; }
    [JsonPropertyName("devices")] public IReadOnlyList<DeviceStatus> Devices { get; init; } = [];
    /// <summary>The sweep at a glance; absent in files written before it was added (<see cref="SweepProgress.Of"/> tallies those).</summary>
    [JsonPropertyName("progress")] public SweepProgress? Progress { get; init; }
    /// <summary>Each early-stopping experiment's rungs: its configurations and their metric at each rung; absent without early stopping.</summary>
    [JsonPropertyName("rung_tables")] public IReadOnlyList<RungTable>? RungTables { get; init; }

    public static string PathIn(string results) => Path.Combine(results, FileName);

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Write(string results) => DurableFile.WriteAllText(PathIn(results), JsonSerializer.Serialize(this, Json));

    /// <summary>
    /// The status in <paramref name="results"/>, or null where no sweep has written one; a file that is not a sweep
    /// status is a <see cref="ConfigurationException"/> naming it, the place and what is wrong.
    /// </summary>
    public static SweepStatus? Read(string results)
    {
        var path = PathIn(results);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<SweepStatus>(File.ReadAllText(path), Json)
                ?? throw new ConfigurationException($"{path}: not a sweep status file (null)");
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{JsonProblem.At(path, e)} (not a sweep status file)");
        }
    }
}

/// <summary>One run as the supervisor sees it.</summary>
public sealed record RunStatus
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("experiment")] public required string Experiment { get; init; }
    /// <summary>The run's name within its experiment (<see cref="Grid.RunLabel"/>); absent in files written before labels.</summary>
    [JsonPropertyName("label")] public string? Label { get; init; }
    /// <summary>The label without the seed: the configuration the report's rows and curves are named by; absent where it is the label.</summary>
    [JsonPropertyName("configuration_label")] public string? ConfigurationLabel { get; init; }
    [JsonPropertyName("task")] public required string Task { get; init; }
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; }
    [JsonPropertyName("seed")] public long Seed { get; init; }
    [JsonPropertyName("state")] public required RunState State { get; init; }
    /// <summary>Attempts started so far (1 for the first).</summary>
    [JsonPropertyName("attempt")] public int Attempt { get; init; }
    /// <summary>Failed attempts of the run itself (what max_retries counts).</summary>
    [JsonPropertyName("failures")] public int Failures { get; init; }
    [JsonPropertyName("node")] public string? Node { get; init; }
    [JsonPropertyName("device")] public string? Device { get; init; }
    [JsonPropertyName("step")] public long Step { get; init; }
    [JsonPropertyName("total_steps")] public long? TotalSteps { get; init; }
    /// <summary>Step of the newest checkpoint the ledger knows of.</summary>
    [JsonPropertyName("checkpoint_step")] public long? CheckpointStep { get; init; }
    [JsonPropertyName("loss")] public double? Loss { get; init; }
    /// <summary>The task's metric of the newest log point (accuracy, bpc), named by <see cref="MetricName"/>.</summary>
    [JsonPropertyName("metric")] public double? Metric { get; init; }
    [JsonPropertyName("metric_name")] public string? MetricName { get; init; }
    [JsonPropertyName("iterations_per_second")] public double? IterationsPerSecond { get; init; }
    /// <summary>Training seconds so far (all attempts).</summary>
    [JsonPropertyName("elapsed")] public double? Elapsed { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    /// <summary>The run folder, relative to the results folder (runs/&lt;id&gt;).</summary>
    [JsonPropertyName("folder")] public required string Folder { get; init; }
    /// <summary>Every attempt from the ledger: where it ran, the step it resumed from, how it ended.</summary>
    [JsonPropertyName("attempts")] public IReadOnlyList<AttemptStatus> Attempts { get; init; } = [];
    /// <summary>Early stopping: how many rungs the run has before its end (absent for a run without early stopping).</summary>
    [JsonPropertyName("rung_count")] public int? RungCount { get; init; }
    /// <summary>Early stopping: its rung results so far.</summary>
    [JsonPropertyName("rungs")] public IReadOnlyList<RungStatus>? Rungs { get; init; }
    /// <summary>Early stopping: the rung where its next attempt pauses (absent: it trains to its end, or waits at a rung).</summary>
    [JsonPropertyName("next_rung")] public long? NextRung { get; init; }
}

/// <summary>One rung result of a run: the rung (in the table's unit), the optimiser step, the metric's value there.</summary>
public sealed record RungStatus
{
    [JsonPropertyName("rung")] public long Rung { get; init; }
    [JsonPropertyName("step")] public long Step { get; init; }
    [JsonPropertyName("metric")] public required string Metric { get; init; }
    [JsonPropertyName("value")] public double? Value { get; init; }
}

/// <summary>An experiment's early stopping: configurations × rungs, the metric at each.</summary>
public sealed record RungTable
{
    [JsonPropertyName("experiment")] public required string Experiment { get; init; }
    [JsonPropertyName("metric")] public required string Metric { get; init; }
    [JsonPropertyName("mode")] public required string Mode { get; init; }
    [JsonPropertyName("reduction")] public int Reduction { get; init; }
    /// <summary>mean (configurations by the mean over their seeds) | each (every run alone).</summary>
    [JsonPropertyName("seeds")] public required string Seeds { get; init; }
    /// <summary>iterations | epochs.</summary>
    [JsonPropertyName("unit")] public required string Unit { get; init; }
    [JsonPropertyName("rungs")] public required IReadOnlyList<long> Rungs { get; init; }
    [JsonPropertyName("configurations")] public required IReadOnlyList<RungTableRow> Configurations { get; init; }
}

/// <summary>One configuration of a rung table.</summary>
public sealed record RungTableRow
{
    /// <summary>What tells it apart from the experiment's other configurations ("hidden_size=32, rmsprop_lr=0.001").</summary>
    [JsonPropertyName("label")] public required string Label { get; init; }
    [JsonPropertyName("runs")] public required IReadOnlyList<string> Runs { get; init; }
    /// <summary>Its value at each rung of <see cref="RungTable.Rungs"/> (the mean over its runs), null where it has none (yet).</summary>
    [JsonPropertyName("values")] public required IReadOnlyList<double?> Values { get; init; }
    /// <summary>The rungs it was promoted from.</summary>
    [JsonPropertyName("promoted")] public required IReadOnlyList<long> Promoted { get; init; }
    /// <summary>The rung it stopped early at; absent unless it did.</summary>
    [JsonPropertyName("stopped_at")] public long? StoppedAt { get; init; }
    /// <summary>Its runs' states: "completed", "stopped early", or "1 running, 1 paused".</summary>
    [JsonPropertyName("state")] public required string State { get; init; }

    /// <summary>Its value at the rung <paramref name="rungs"/>[<paramref name="i"/>] as the tables show it: ↑ promoted from there, × stopped early there; empty without one.</summary>
    public string Cell(IReadOnlyList<long> rungs, int i) => Values[i] is { } v
        ? v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) + (Promoted.Contains(rungs[i]) ? " ↑" : StoppedAt == rungs[i] ? " ×" : "")
        : "";
}

/// <summary>One attempt of a run.</summary>
public sealed record AttemptStatus
{
    [JsonPropertyName("attempt")] public int Attempt { get; init; }
    [JsonPropertyName("node")] public required string Node { get; init; }
    [JsonPropertyName("device")] public required string Device { get; init; }
    [JsonPropertyName("started")] public DateTimeOffset Started { get; init; }
    [JsonPropertyName("resumed_from")] public long? ResumedFrom { get; init; }
    /// <summary>completed | failed: REASON | interrupted: REASON; null while it runs.</summary>
    [JsonPropertyName("outcome")] public string? Outcome { get; init; }
}

/// <summary>One trainer slot: a device of a node.</summary>
public sealed record DeviceStatus
{
    [JsonPropertyName("node")] public required string Node { get; init; }
    [JsonPropertyName("device")] public required string Device { get; init; }
    [JsonPropertyName("state")] public required DeviceState State { get; init; }
    [JsonPropertyName("run")] public string? Run { get; init; }
    [JsonPropertyName("consecutive_failures")] public int ConsecutiveFailures { get; init; }
    /// <summary>Why it waits ("GPU 1: 812 MiB free, 2048 needed") or until when it is paused; null otherwise.</summary>
    [JsonPropertyName("note")] public string? Note { get; init; }
}
