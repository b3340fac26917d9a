using AsRnnGrid.Actors.Grid;

namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>
/// One run in the book: what the ledger knows of it (replayed on start) and what only this supervisor's session knows
/// (its trainer, when it was last heard of, its latest numbers, when its retry is due). Only <see cref="SweepBook.Apply"/>
/// changes it: the journalled part through ledger events, the live part through live events.
/// </summary>
public sealed class BookRun(string id, string experiment)
{
    public string Id { get; } = id;
    public string Experiment { get; internal set; } = experiment;
    /// <summary>The run as this session's sweep file plans it; null for a run the ledger knows that the file no longer lists.</summary>
    public PlannedRun? Plan { get; internal set; }
    /// <summary>Its place in the sweep file: dispatch hands out runs in this order. -1 without a <see cref="Plan"/>.</summary>
    public int PlanIndex { get; internal set; } = -1;

    // Journalled.
    /// <summary>The ledger has its RunPlanned: only then may it start.</summary>
    public bool Planned { get; internal set; }
    public string ConfigHash { get; internal set; } = "";
    /// <summary>Never <see cref="RunState.Retrying"/> after a replay: the backoff is live.</summary>
    public RunState State { get; internal set; } = RunState.Pending;
    /// <summary>Attempts started so far (1 for the first).</summary>
    public int Attempt { get; internal set; }
    /// <summary>Failed attempts since the last reset (what max_retries counts).</summary>
    public int Failures { get; internal set; }
    /// <summary>Where the latest attempt ran.</summary>
    public string? Node { get; internal set; }
    public string? Device { get; internal set; }
    public long? CheckpointStep { get; internal set; }
    public string? Reason { get; internal set; }
    public SweepProtocol.RunSummary? Summary { get; internal set; }
    public List<AttemptRecord> Attempts { get; } = [];
    /// <summary>Early stopping: its rung results, in the order reached (<see cref="LedgerEvents.RungReached"/>).</summary>
    public List<RungRecord> RungResults { get; } = [];
    /// <summary>Early stopping: the rungs it was promoted from.</summary>
    public HashSet<long> PromotedFrom { get; } = [];
    /// <summary>The last rung it reached; null before the first.</summary>
    public long? LastRung => RungResults.Count > 0 ? RungResults[^1].Rung : null;

    public RungRecord? RungResult(long rung)
    {
        foreach (var r in RungResults) if (r.Rung == rung) return r;
        return null;
    }

    // Of the plan.
    /// <summary>Its configuration in its experiment's early stopping; null where the experiment has none.</summary>
    public RungGroup? Group { get; internal set; }

    // Live.
    /// <summary>The trainer that holds the running attempt.</summary>
    public TrainerId? Holder { get; internal set; }
    public DateTime LastHeard { get; internal set; }
    public DateTime? RetryAt { get; internal set; }
    /// <summary>The latest step reported in this session (null until one is).</summary>
    public long? Step { get; internal set; }
    public long? TotalSteps { get; internal set; }
    public double? Loss { get; internal set; }
    public double? Metric { get; internal set; }
    public string? MetricName { get; internal set; }
    public double? IterationsPerSecond { get; internal set; }
    public double? Elapsed { get; internal set; }

    /// <summary>
    /// Its latest ended attempts that ran out of GPU memory, one after another (the running one, not ended yet, aside):
    /// journalled, so a restart keeps the count.
    /// </summary>
    public int OutOfMemoryInARow
    {
        get
        {
            int i = Attempts.Count - 1, count = 0;
            while (i >= 0 && Attempts[i].Outcome is null) i--;
            for (; i >= 0 && Attempts[i].Outcome == AttemptOutcome.OutOfMemory; i--) count++;
            return count;
        }
    }

    internal AttemptRecord? AttemptNumber(int attempt)
    {
        for (int i = Attempts.Count - 1; i >= 0; i--)
            if (Attempts[i].Attempt == attempt) return Attempts[i];
        return null;
    }
}

/// <summary>One attempt: where it ran, where it resumed from, how it ended (null while it runs).</summary>
public sealed record AttemptRecord(int Attempt, string Node, string Device, DateTimeOffset Started)
{
    public long? ResumedFrom { get; internal set; }
    public AttemptOutcome? Outcome { get; internal set; }
    public string? OutcomeReason { get; internal set; }

    /// <summary>As sweep-status.json writes it: "completed", "failed: REASON", "interrupted: REASON", "paused: at RUNG".</summary>
    public string? OutcomeText => Outcome switch
    {
        null => null,
        AttemptOutcome.Completed => AttemptOutcome.Completed.Text(),
        { } o => $"{o.Text()}: {OutcomeReason}",
    };
}
