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
