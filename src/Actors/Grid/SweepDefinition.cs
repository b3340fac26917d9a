using AsRnnGrid.Actors.Sweep.Gpu;

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
    /// <summary>
    /// Trainer slots per GPU. Two: small recurrent models leave most of a GPU idle (measured on an H100 with
    /// per-step asRNN h122 processes: 2 at once gave 1.9x the iterations/s of one, 4 gave 3.4x); fused cuDNN runs
    /// fill more of it, so two is the choice that gains without crowding until `bench --slots 1,2,4` on the GPU says more.
    /// </summary>
    public int SlotsPerGpu { get; init; } = 2;
    /// <summary>Trainer slots on a machine without a GPU; null: one per two cores.</summary>
    public int? CpuSlots { get; init; }
    /// <summary>A trainer silent for longer than this has its run put back in the queue.</summary>
    public double HeartbeatTimeoutSeconds { get; init; } = 600;
    /// <summary>
    /// The most runs the file may expand to (`max_runs`): a grid is counted before it is expanded, so a typo that makes
    /// it 10^9 runs is refused at once instead of filling the memory. 100,000 is the size the supervisor is measured at.
    /// </summary>
    public int MaxRuns { get; init; } = 100_000;
    /// <summary>Free GPU memory a slot needs before it starts a run; null: each run's expected peak plus a margin, else 2048 (<see cref="Sweep.Book.GpuNeed"/>); 0 turns the check off.</summary>
    public long? GpuMinFreeMiB { get; init; }
    /// <summary>Whether a GPU with another user's compute process on it takes runs.</summary>
    public GpuShare GpuShare { get; init; } = GpuShare.FreeMemory;
    public required IReadOnlyList<PlannedRun> Runs { get; init; }
    /// <summary>What a person should know of the expansion (runs given a longer id); `validate` and `run` print them.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The experiments with early stopping (`scheduler: type: asha`), by name; the others train every run to its end.</summary>
    public IReadOnlyDictionary<string, EarlyStopping> EarlyStopping { get; init; } = new Dictionary<string, EarlyStopping>(StringComparer.Ordinal);
}
