using System.Text.Json.Serialization;

namespace AsRnnGrid.Training.Bench;

/// <summary>One timed case: the table's row and one object of --json.</summary>
public sealed record BenchRow
{
    [JsonPropertyName("case")] public required string Case { get; init; }
    [JsonPropertyName("task")] public required string Task { get; init; }
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("nonlinear")] public required string Nonlinear { get; init; }
    [JsonPropertyName("fused")] public bool Fused { get; init; }
    [JsonPropertyName("hidden")] public int Hidden { get; init; }
    [JsonPropertyName("batch")] public int Batch { get; init; }
    [JsonPropertyName("seq_length")] public int SeqLength { get; init; }
    [JsonPropertyName("parameters")] public long Parameters { get; init; }
    [JsonPropertyName("device")] public required string Device { get; init; }
    [JsonPropertyName("dtype")] public required string DType { get; init; }
    [JsonPropertyName("iterations")] public int Iterations { get; init; }
    [JsonPropertyName("warmup")] public int Warmup { get; init; }
    /// <summary>Median wall time of one training iteration (forward, backward, clipping, step; synchronised on CUDA).</summary>
    [JsonPropertyName("ms_per_iteration")] public double MsPerIteration { get; init; }
    [JsonPropertyName("ms_min")] public double MsMin { get; init; }
    [JsonPropertyName("ms_max")] public double MsMax { get; init; }
    [JsonPropertyName("iterations_per_second")] public double IterationsPerSecond { get; init; }
    /// <summary>Timed iterations over their total wall time (what a sweep slot sustains).</summary>
    [JsonPropertyName("sustained_iterations_per_second")] public double SustainedIterationsPerSecond { get; init; }
    /// <summary>Wall-clock start and end of the timed iterations (Unix seconds): where slot processes overlapped.</summary>
    [JsonPropertyName("timed_start_unix_s")] public double TimedStartUnixSeconds { get; init; }
    [JsonPropertyName("timed_end_unix_s")] public double TimedEndUnixSeconds { get; init; }
    [JsonPropertyName("peak_memory_mb")] public double? PeakMemoryMb { get; init; }
    /// <summary>What the memory figure is: process peak RSS (CPU) or the device memory nvidia-smi shows for the process (CUDA).</summary>
    [JsonPropertyName("memory_kind")] public required string MemoryKind { get; init; }
    /// <summary>Median time to capture and durably write one checkpoint with the real store.</summary>
    [JsonPropertyName("checkpoint_ms")] public double CheckpointMs { get; init; }
    [JsonPropertyName("checkpoint_bytes")] public long CheckpointBytes { get; init; }
    /// <summary>The catalogue's default checkpoint_every.</summary>
    [JsonPropertyName("checkpoint_every")] public int CheckpointEvery { get; init; }
    /// <summary>checkpoint_ms / (checkpoint_every * ms_per_iteration).</summary>
    [JsonPropertyName("checkpoint_share")] public double CheckpointShare { get; init; }
    /// <summary>The same share at the interval the loop really uses: the sooner of checkpoint_every and checkpoint_minutes.</summary>
    [JsonPropertyName("checkpoint_share_effective")] public double CheckpointShareEffective { get; init; }
}
