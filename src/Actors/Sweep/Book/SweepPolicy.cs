using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Actors.Sweep.Gpu;

namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>The numbers the book decides by: the sweep file's settings and the supervisor's.</summary>
public sealed record SweepPolicy
{
    public int MaxRetries { get; init; } = 2;
    public double RetryBackoffSeconds { get; init; } = 30;
    public int QuarantineAfter { get; init; } = 3;
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>End the sweep when every trainer is quarantined (one machine); a cluster waits for new ones instead.</summary>
    public bool EndWhenNoDeviceLeft { get; init; } = true;

    /// <summary>
    /// A node's trainers register one after another: the sweep is not declared stalled until this long after the last
    /// one joined, so that a node whose first slot sits on a quarantined GPU still gets to offer its other GPUs.
    /// </summary>
    public TimeSpan JoinGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>gpu_min_free_mib: the free memory a GPU slot needs to start a run; null: each run's own (<see cref="GpuNeed"/>).</summary>
    public long? GpuMinFreeMiB { get; init; }
    /// <summary>gpu_share: whether a GPU with other users' processes on it takes runs.</summary>
    public GpuShare GpuShare { get; init; } = GpuShare.FreeMemory;
    /// <summary>The bench's GPU peaks that <see cref="GpuNeed"/> estimates a run's need from.</summary>
    public IReadOnlyDictionary<GpuCase, double> GpuPeaksMiB { get; init; } = GpuNeed.MeasuredPeaksMiB;

    /// <summary>After this many attempts in a row ran out of GPU memory on a device, the slot of the last one is paused.</summary>
    public int OutOfMemoryInARow { get; init; } = 3;
    /// <summary>How long such a slot takes no run; also the longest an out-of-memory retry waits.</summary>
    public TimeSpan OutOfMemoryPause { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The experiments with early stopping, by name (none with `run --no-early-stop`).</summary>
    public IReadOnlyDictionary<string, EarlyStopping> EarlyStopping { get; init; } = new Dictionary<string, EarlyStopping>(StringComparer.Ordinal);

    /// <summary>`run --no-early-stop`: no run pauses, and the paused and early-stopped ones go on to their end.</summary>
    public bool NoEarlyStop { get; init; }

    public static SweepPolicy For(SweepDefinition sweep, bool endWhenNoDeviceLeft, bool noEarlyStop = false) => new()
    {
        MaxRetries = sweep.MaxRetries,
        RetryBackoffSeconds = sweep.RetryBackoffSeconds,
        QuarantineAfter = sweep.QuarantineAfter,
        HeartbeatTimeout = TimeSpan.FromSeconds(sweep.HeartbeatTimeoutSeconds),
        EndWhenNoDeviceLeft = endWhenNoDeviceLeft,
        EarlyStopping = noEarlyStop ? new Dictionary<string, EarlyStopping>(StringComparer.Ordinal) : sweep.EarlyStopping,
        NoEarlyStop = noEarlyStop,
        GpuMinFreeMiB = sweep.GpuMinFreeMiB,
        GpuShare = sweep.GpuShare,
    };

    /// <summary>The wait before retry <paramref name="failures"/>: the backoff, doubled for each further failure.</summary>
    public TimeSpan Backoff(int failures) => TimeSpan.FromSeconds(RetryBackoffSeconds * Math.Pow(2, failures - 1));

    /// <summary>
    /// The wait before retrying a run that ran out of memory <paramref name="inARow"/> times in a row: the same doubling
    /// backoff, never longer than <see cref="OutOfMemoryPause"/>. The budget is not spent, so a run too large for any
    /// GPU here keeps coming back, at most every pause, rather than giving up.
    /// </summary>
    public TimeSpan OutOfMemoryBackoff(int inARow)
    {
        var backoff = Backoff(inARow);
        return backoff < OutOfMemoryPause ? backoff : OutOfMemoryPause;
    }

    /// <summary>Half again the trainers' own timeout: a live trainer kills a silent child first and reports it.</summary>
    public TimeSpan SilenceLimit => HeartbeatTimeout * 1.5;
}
