using System.Text.Json.Serialization;
using AsRnnGrid.Actors.Sweep.Book;

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
    /// version-3 ledger rather than misreading the outcome). Raise it for any change of a property's meaning, presence
    /// or values, and teach the serializer to read the previous version.
    /// </summary>
    public const int Version = 3;

    /// <summary>The first version written as "ledger-vN/Type" (version 1 wrote "v1/LedgerEvents.Type": <see cref="LedgerV1"/>).</summary>
    public const int FirstManifestVersion = 2;

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

    /// <summary>`run --clear-quarantine`: the device is back in service. New in version 2.</summary>
    public sealed record QuarantineCleared(
        [property: JsonPropertyName("Machine")] string Machine,
        [property: JsonPropertyName("Device")] string Device,
        [property: JsonPropertyName("Reason")] string Reason) : ILedgerEvent;
}
