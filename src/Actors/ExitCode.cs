namespace AsRnnGrid.Actors;

/// <summary>
/// The exit codes of every asrnn-grid command, defined once: `train` (its parent trainer reads them), `run`, `worker`,
/// `status`, `validate`, `report`, `bench`. Scripts and the README rely on these numbers: never renumber one.
/// </summary>
public enum ExitCode
{
    /// <summary>Done: the run completed, every run of the sweep completed, the worker left, the command did its work.</summary>
    Success = 0,
    /// <summary>An unexpected fault (one line on stderr, no stack trace); a sweep whose node the cluster took down.</summary>
    Fault = 1,
    /// <summary>Bad input: options, files, data, a refused worker, an unreadable ledger. Nothing was changed.</summary>
    BadInput = 2,
    /// <summary>Stopped by a signal after checkpointing: running the same command again resumes.</summary>
    Stopped = 3,
    /// <summary>`train`: the run failed (a non-finite loss); `run`: the sweep finished with some runs failed.</summary>
    Failed = 4,
    /// <summary>`run`: every device was quarantined before the sweep could finish.</summary>
    Stalled = 5,
    /// <summary>`train --pause-at`: the run paused there after checkpointing (an early-stopping rung): the same command without it goes on.</summary>
    Paused = 6,
}
