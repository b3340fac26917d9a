namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>
/// Why an attempt ended without completing, as the book classifies it. Each cause answers the policy's questions
/// once: what the ledger records (<see cref="AttemptEndCauses.Outcome"/>), whether it spends the run's retry budget and
/// waits out the backoff, whether it counts against the device towards quarantine. A new kind of ending (a resource
/// failure, a run paused at a rung) is a new member and its answers here.
/// </summary>
public enum AttemptEndCause
{
    /// <summary>The trainer reported the child failed: an exception, a non-finite loss, a signal, its own heartbeat timeout.</summary>
    RunFailed,
    /// <summary>The supervisor heard nothing from the trainer for too long (the trainer or its network may be at fault, not the device).</summary>
    Silent,
    /// <summary>The trainer stopped it when asked (the sweep stops, its node leaves): it checkpointed.</summary>
    Stopped,
    /// <summary>The trainer was busy with another run and did not start this one.</summary>
    Requeued,
    /// <summary>The trainer (or its node) is gone.</summary>
    TrainerLost,
    /// <summary>The trainer asked for work while the book still had it on this run: its report was lost.</summary>
    TrainerGaveBack,
    /// <summary>A restarted supervisor found the attempt still running in its ledger.</summary>
    SupervisorStopped,
    /// <summary>The child died of CUDA out-of-memory: the GPU lacked room (other users, our own runs beside it), not the run.</summary>
    OutOfMemory,
}

public static class AttemptEndCauses
{
    /// <summary>What the ledger records: a failure of the run, or an interruption that is not its fault.</summary>
    public static AttemptOutcome Outcome(this AttemptEndCause cause) => cause switch
    {
        AttemptEndCause.RunFailed or AttemptEndCause.Silent => AttemptOutcome.Failed,
        AttemptEndCause.OutOfMemory => AttemptOutcome.OutOfMemory,
        _ => AttemptOutcome.Interrupted,
    };

    /// <summary>It spends one of max_retries, and the retry waits out the backoff.</summary>
    public static bool SpendsRetry(this AttemptEndCause cause) => cause.Outcome() == AttemptOutcome.Failed;

    /// <summary>The retry waits out a backoff (an interruption goes back to the queue at once).</summary>
    public static bool WaitsOutBackoff(this AttemptEndCause cause) => cause.SpendsRetry() || cause == AttemptEndCause.OutOfMemory;

    /// <summary>It counts against the device: enough different runs failing on it in a row quarantine it.</summary>
    public static bool ChargesDevice(this AttemptEndCause cause) => cause == AttemptEndCause.RunFailed;

    /// <summary>It counts towards pausing the slot: enough in a row on its device pause it for a while (never a quarantine).</summary>
    public static bool CountsTowardsPause(this AttemptEndCause cause) => cause == AttemptEndCause.OutOfMemory;

    /// <summary>How a trainer's report of an ended attempt is classified (completion and a pause at a rung are not end causes).</summary>
    public static AttemptEndCause Of(SweepProtocol.RunEndOutcome outcome) => outcome switch
    {
        SweepProtocol.RunEndOutcome.Failed => AttemptEndCause.RunFailed,
        SweepProtocol.RunEndOutcome.Stopped => AttemptEndCause.Stopped,
        SweepProtocol.RunEndOutcome.Requeue => AttemptEndCause.Requeued,
        SweepProtocol.RunEndOutcome.OutOfMemory => AttemptEndCause.OutOfMemory,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "a completed or paused attempt has no end cause"),
    };
}
