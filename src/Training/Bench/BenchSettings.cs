namespace AsRnnGrid.Training.Bench;

/// <summary>How the benchmark times each case. Null sizes mean the papers' shapes.</summary>
public sealed record BenchSettings
{
    /// <summary>cpu | cuda | cuda:N | auto.</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Timed iterations per case (the median is reported).</summary>
    public int Iterations { get; init; } = 20;
    /// <summary>Untimed iterations first (allocator, cuDNN plans, JIT).</summary>
    public int Warmup { get; init; } = 3;
    /// <summary>Batch size; null: 128, as every task of the papers.</summary>
    public int? Batch { get; init; }
    /// <summary>Steps per sequence; null: 784 (pMNIST), 150 (PTB's BPTT), 1020 (copy with L = 1000, K = 10).</summary>
    public int? SeqLength { get; init; }
    /// <summary>Checkpoints written per case to time one (the median is reported).</summary>
    public int CheckpointWrites { get; init; } = 3;
    public string DType { get; init; } = "float32";
    /// <summary>The run option fused: fused recurrences (true) or the per-step cells of the reference (false).</summary>
    public bool Fused { get; init; } = true;

    public int BatchFor(BenchCase c) => Batch ?? 128;

    public int SeqLengthFor(BenchCase c) => SeqLength ?? c.Task switch
    {
        "pmnist" => 784,
        "ptb" => 150,
        _ => 1020,
    };
}
