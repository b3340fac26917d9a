namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>What the <see cref="SweepBook"/> decides on: the supervisor's messages in the book's terms.</summary>
public abstract record BookCommand;

public static class BookCommands
{
    /// <summary>
    /// The ledger is replayed: plan the runs it lacks, end as interrupted the attempts a dead supervisor left running,
    /// give failed runs a fresh budget (`--retry-failed`), put quarantined devices back (`--clear-quarantine`).
    /// <paramref name="Rebuilt"/> (`--rebuild-ledger`, on a new ledger): what each run's folder shows, journalled with its plan.
    /// </summary>
    public sealed record Recover(bool RetryFailed = false, bool ClearQuarantine = false,
        IReadOnlyDictionary<string, RunFolderFact>? Rebuilt = null) : BookCommand;

    /// <summary>A trainer's message (RequestWork, RunProgress, RunResumed, RunCheckpointed, RunEnded).</summary>
    public sealed record FromTrainer(TrainerId Trainer, ISweepMessage Message) : BookCommand;

    /// <summary>The trainer's actor stopped (its node left or was downed).</summary>
    public sealed record TrainerLost(TrainerId Trainer) : BookCommand;

    /// <summary>Time passed: heartbeats are looked at.</summary>
    public sealed record Tick : BookCommand
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>Checkpoint every run and stop.</summary>
    public sealed record Stop(string Reason) : BookCommand;

    /// <summary>
    /// After every other command's events are applied: due retries become pending, idle trainers get work, and the
    /// sweep ends if it is over. Apart, so that it decides on the state the command left.
    /// </summary>
    public sealed record Settle : BookCommand
    {
        public static readonly Settle Instance = new();
    }
}
