namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// The ledger: the events the <see cref="SweepSupervisor"/> persists (Akka.Persistence, SQLite journal) and
/// replays on start. Progress between checkpoints is not journalled: it is recomputed by the run itself.
/// </summary>
public static class LedgerEvents
{
    public interface ILedgerEvent : ISweepMessage
    {
        string RunId { get; }
    }

    public sealed record RunPlanned(string RunId, string Experiment, string ConfigHash) : ILedgerEvent;

    public sealed record RunStarted(string RunId, int Attempt, string Node, string Device, DateTimeOffset At) : ILedgerEvent;

    /// <summary>The attempt continued from a checkpoint (0 when it started from scratch is not journalled).</summary>
    public sealed record RunResumed(string RunId, int Attempt, long Step) : ILedgerEvent;

    public sealed record RunCheckpointed(string RunId, int Attempt, long Step) : ILedgerEvent;

    /// <summary>The attempt ended without completing. <paramref name="CountsAsFailure"/>: false for a stop, a lost node or an interrupted supervisor.</summary>
    public sealed record AttemptEnded(string RunId, int Attempt, string Reason, bool CountsAsFailure, string? Node, string? Device) : ILedgerEvent;

    public sealed record RunCompleted(string RunId, int Attempt, SweepProtocol.RunSummary Summary) : ILedgerEvent;

    /// <summary>Out of retries: the sweep goes on without it.</summary>
    public sealed record RunGaveUp(string RunId, string Reason) : ILedgerEvent;

    /// <summary>`run --retry-failed`: a run that gave up gets a fresh retry budget.</summary>
    public sealed record RunReset(string RunId, string Reason) : ILedgerEvent;

    public sealed record DeviceQuarantined(string Node, string Device, string Reason) : ILedgerEvent
    {
        public string RunId => "";
    }
}
