namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// An experiments.yaml, read and expanded: the sweep-level settings and every run.
/// <see cref="Results"/> is an absolute path (a relative `results:` is taken from the file's folder).
/// </summary>
public sealed record SweepDefinition
{
    public required string File { get; init; }
    public required string Results { get; init; }
    public int MaxRetries { get; init; } = 2;
    /// <summary>Seconds before the first retry; doubled for each further one.</summary>
    public double RetryBackoffSeconds { get; init; } = 30;
    /// <summary>Failed attempts in a row, across different runs, after which a device is taken out of service.</summary>
    public int QuarantineAfter { get; init; } = 3;
    public int SlotsPerGpu { get; init; } = 1;
    /// <summary>Trainer slots on a machine without a GPU; null: one per two cores.</summary>
    public int? CpuSlots { get; init; }
    /// <summary>A trainer silent for longer than this has its run put back in the queue.</summary>
    public double HeartbeatTimeoutSeconds { get; init; } = 600;
    public required IReadOnlyList<PlannedRun> Runs { get; init; }
}
