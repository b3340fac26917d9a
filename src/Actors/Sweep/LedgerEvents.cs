using System.Text.Json.Serialization;
using AsRnnGrid.Actors.Sweep.Book;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// The ledger: the durable events of the <see cref="SweepBook"/>, which the <see cref="SweepSupervisor"/> journals
/// (Akka.Persistence, SQLite) and replays on start. Progress between checkpoints is not journalled: the run itself
/// recomputes it. Every property's JSON name is pinned (the names of version 1, so old ledgers read) and required:
/// renaming a parameter cannot silently replay old entries with a default value, and an entry that lacks a property
/// is refused. <see cref="SweepSerializer"/> writes them as <see cref="Version"/> and reads every earlier version
/// (<see cref="LedgerV1"/>).
/// </summary>
public static class LedgerEvents
{
    /// <summary>
    /// 2: <see cref="AttemptEnded"/> records its <see cref="AttemptOutcome"/> (version 1: a CountsAsFailure flag);
    /// <see cref="QuarantineCleared"/> is new. 3: an attempt's outcome may be <see cref="AttemptOutcome.OutOfMemory"/>
    /// (the events' shapes are version 2's, so a version-2 entry reads as it is; an asrnn-grid of version 2 refuses a
    /// version-3 ledger rather than misreading the outcome). 4: early stopping's <see cref="RungReached"/>,
    /// <see cref="RunPromoted"/>, <see cref="RunStoppedEarly"/> and <see cref="RunSentOn"/> are new (every event of version 3
    /// keeps its shape). Raise it for any change of a property's meaning, presence or values, or a new event, and teach the
    /// serializer to read the previous version.
    /// </summary>
    public const int Version = 4;

    /// <summary>The first version written as "ledger-vN/Type" (version 1 wrote "v1/LedgerEvents.Type": <see cref="LedgerV1"/>).</summary>
    public const int FirstManifestVersion = 2;

    /// <summary>The version that brought <paramref name="type"/> in: an older manifest naming it was never written.</summary>
    public static int IntroducedIn(Type type) =>
        type == typeof(QuarantineCleared) ? 2
        : type == typeof(RungReached) || type == typeof(RunPromoted) || type == typeof(RunStoppedEarly) || type == typeof(RunSentOn) ? 4
        : 1;

    public interface ILedgerEvent : ISweepMessage, IBookEvent;

    /// <summary>A ledger event about one run.</summary>
    public interface IRunEvent : ILedgerEvent
    {
        string RunId { get; }
    }

    public sealed record RunPlanned(
        [property: JsonPropertyName("RunId")] string RunId,
        [property: JsonPropertyName("Experiment")] string Experiment,
        [property: JsonPropertyName("ConfigHash")] string ConfigHash) : IRunEvent;

    /// <summary>Attempt <paramref name="Attempt"/> was handed to the trainer slot <paramref name="Device"/> ("cuda:1 slot 0") of <paramref name="Node"/>.</summary>
    public sealed record RunStarted(
        [property: JsonPropertyName("RunId")] string RunId,
        [property: JsonPropertyName("Attempt")] int Attempt,
        [property: JsonPropertyName("Node")] string Node,
        [property: JsonPropertyName("Device")] string Device,
        [property: JsonPropertyName("At")] DateTimeOffset At) : IRunEvent;

    /// <summary>The attempt continued from a checkpoint (0 when it started from scratch is not journalled).</summary>
    public sealed record RunResumed(
        [property: JsonPropertyName("RunId")] string RunId,
        [property: JsonPropertyName("Attempt")] int Attempt,
        [property: JsonPropertyName("Step")] long Step) : IRunEvent;

    public sealed record RunCheckpointed(
        [property: JsonPropertyName("RunId")] string RunId,
        [property: JsonPropertyName("Attempt")] int Attempt,
        [property: JsonPropertyName("Step")] long Step) : IRunEvent;

    /// <summary>
    /// The attempt ended without completing: <see cref="AttemptOutcome.Failed"/> spends a retry,
    /// <see cref="AttemptOutcome.Interrupted"/> and <see cref="AttemptOutcome.OutOfMemory"/> do not.
    /// </summary>
    public sealed record AttemptEnded(
        [property: JsonPropertyName("RunId")] string RunId,
        [property: JsonPropertyName("Attempt")] int Attempt,
        [property: JsonPropertyName("Outcome")] AttemptOutcome Outcome,
        [property: JsonPropertyName("Reason")] string Reason,
        [property: JsonPropertyName("Node")] string? Node,
        [property: JsonPropertyName("Device")] string? Device) : IRunEvent;

    public sealed record RunCompleted(
        [property: JsonPropertyName("RunId")] string RunId,
        [property: JsonPropertyName("Attempt")] int Attempt,
        [property: JsonPropertyName("Summary")] SweepProtocol.RunSummary Summary) : IRunEvent;

    /// <summary>Out of retries: the sweep goes on without it.</summary>
    public sealed record RunGaveUp(
        [property: JsonPropertyName("RunId")] string RunId,
        [property: JsonPropertyName("Reason")] string Reason) : IRunEvent;

    /// <summary>`run --retry-failed`: a run that gave up gets a fresh retry budget.</summary>
    public sealed record RunReset(
        [property: JsonPropertyName("RunId")] string RunId,
        [property: JsonPropertyName("Reason")] string Reason) : IRunEvent;

    /// <summary>
    /// The device <paramref name="Device"/> ("cuda:0", "cpu") of the machine of <paramref name="Node"/> is out of service
    /// until <see cref="QuarantineCleared"/>; a restarted supervisor keeps it so (the machine is the node's host name:
    /// a node's port changes from one start to the next, its GPUs do not).
    /// </summary>
    public sealed record DeviceQuarantined(
        [property: JsonPropertyName("Node")] string Node,
        [property: JsonPropertyName("Device")] string Device,
        [property: JsonPropertyName("Reason")] string Reason) : ILedgerEvent;

    /// <summary>
    /// Early stopping: the attempt paused at the rung <paramref name="Rung"/> (in <paramref name="Unit"/>, at optimiser step
    /// <paramref name="Step"/>) after checkpointing there, and reported <paramref name="Value"/> of <paramref name="Metric"/>
    /// (null where its log line had none). The run waits, paused, for the rung's verdict. New in version 4.
    /// </summary>
    public sealed record RungReached(
        [property: JsonPropertyName("RunId")] string RunId,
        [property: JsonPropertyName("Attempt")] int Attempt,
        [property: JsonPropertyName("Rung")] long Rung,
        [property: JsonPropertyName("Unit")] TrainingUnit Unit,
        [property: JsonPropertyName("Step")] long Step,
        [property: JsonPropertyName("Metric")] PointMetric Metric,
        [property: JsonPropertyName("Value")] double? Value) : IRunEvent;

    /// <summary>Early stopping: the paused run ranks among the best of rung <paramref name="Rung"/> and goes on from its checkpoint there. New in version 4.</summary>
    public sealed record RunPromoted(
        [property: JsonPropertyName("RunId")] string RunId,
        [property: JsonPropertyName("Rung")] long Rung,
        [property: JsonPropertyName("Reason")] string Reason) : IRunEvent;

    /// <summary>Early stopping: the rung <paramref name="Rung"/> has every result and the run is not among its best: it stays there. New in version 4.</summary>
    public sealed record RunStoppedEarly(
        [property: JsonPropertyName("RunId")] string RunId,
        [property: JsonPropertyName("Rung")] long Rung,
        [property: JsonPropertyName("Reason")] string Reason) : IRunEvent;

    /// <summary>
    /// A paused or early-stopped run goes on from its rung's checkpoint without a promotion: `run --no-early-stop`, or a sweep
    /// file whose experiment no longer stops early or no longer has that rung. New in version 4.
    /// </summary>
    public sealed record RunSentOn(
        [property: JsonPropertyName("RunId")] string RunId,
        [property: JsonPropertyName("Reason")] string Reason) : IRunEvent;

    /// <summary>`run --clear-quarantine`: the device is back in service. New in version 2.</summary>
    public sealed record QuarantineCleared(
        [property: JsonPropertyName("Machine")] string Machine,
        [property: JsonPropertyName("Device")] string Device,
        [property: JsonPropertyName("Reason")] string Reason) : ILedgerEvent;
}
