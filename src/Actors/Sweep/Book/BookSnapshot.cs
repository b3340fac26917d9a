using System.Text.Json.Serialization;
using AsRnnGrid.Training.Loop;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;

namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>
/// The book's journalled state at one sequence number of the ledger, which the supervisor saves in the snapshot store
/// every <see cref="SupervisorSettings.SnapshotEvery"/> events: a restart reads the newest snapshot and replays only the
/// events after it. The journal keeps every event (a snapshot only saves time). Live state is not in it: a retrying run
/// is pending, as after any restart. JSON names are pinned; <see cref="Version"/> is in its manifest.
/// </summary>
public sealed record BookSnapshot(
    [property: JsonPropertyName("Runs")] IReadOnlyList<RunSnapshot> Runs,
    [property: JsonPropertyName("Quarantines")] IReadOnlyList<DeviceQuarantined> Quarantines,
    [property: JsonPropertyName("Rungs")] IReadOnlyList<RunRungsSnapshot> Rungs) : ISweepMessage
{
    /// <summary>
    /// 2: an attempt's outcome may be out-of-memory (ledger version 3). 3: <see cref="Rungs"/> (early stopping) is new
    /// (ledger version 4). Versions 1 and 2 read with no rung results (<see cref="WithoutRungs"/>).
    /// </summary>
    public const int Version = 3;

    /// <summary>Versions 1 and 2's shape, read into today's.</summary>
    public sealed record WithoutRungs(
        [property: JsonPropertyName("Runs")] IReadOnlyList<RunSnapshot> Runs,
        [property: JsonPropertyName("Quarantines")] IReadOnlyList<DeviceQuarantined> Quarantines)
    {
        public BookSnapshot Upcast() => new(Runs, Quarantines, []);
    }
}

/// <summary>A run's early-stopping record: its rung results in order and the rungs it was promoted from.</summary>
public sealed record RunRungsSnapshot(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("Results")] IReadOnlyList<RungRecord> Results,
    [property: JsonPropertyName("PromotedFrom")] IReadOnlyList<long> PromotedFrom);

/// <summary>One rung result of a run, as <see cref="RungReached"/> journalled it.</summary>
public sealed record RungRecord(
    [property: JsonPropertyName("Rung")] long Rung,
    [property: JsonPropertyName("Unit")] TrainingUnit Unit,
    [property: JsonPropertyName("Step")] long Step,
    [property: JsonPropertyName("Metric")] PointMetric Metric,
    [property: JsonPropertyName("Value")] double? Value);

/// <summary>One run's journalled state (<see cref="BookRun"/>'s first half).</summary>
public sealed record RunSnapshot(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("Experiment")] string Experiment,
    [property: JsonPropertyName("ConfigHash")] string ConfigHash,
    [property: JsonPropertyName("State")] RunState State,
    [property: JsonPropertyName("Attempt")] int Attempt,
    [property: JsonPropertyName("Failures")] int Failures,
    [property: JsonPropertyName("Node")] string? Node,
    [property: JsonPropertyName("Device")] string? Device,
    [property: JsonPropertyName("CheckpointStep")] long? CheckpointStep,
    [property: JsonPropertyName("Reason")] string? Reason,
    [property: JsonPropertyName("Summary")] SweepProtocol.RunSummary? Summary,
    [property: JsonPropertyName("Attempts")] IReadOnlyList<AttemptSnapshot> Attempts);

public sealed record AttemptSnapshot(
    [property: JsonPropertyName("Attempt")] int Attempt,
    [property: JsonPropertyName("Node")] string Node,
    [property: JsonPropertyName("Device")] string Device,
    [property: JsonPropertyName("Started")] DateTimeOffset Started,
    [property: JsonPropertyName("ResumedFrom")] long? ResumedFrom,
    [property: JsonPropertyName("Outcome")] AttemptOutcome? Outcome,
    [property: JsonPropertyName("OutcomeReason")] string? OutcomeReason);
