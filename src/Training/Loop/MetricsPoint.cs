using System.Text.Json.Serialization;

namespace AsRnnGrid.Training.Loop;

/// <summary>
/// One line of metrics.jsonl, the run's one record of what it measured: the report, the progress lines and the
/// TensorBoard event files are read or written from it. Fields a task does not measure are left out.
/// </summary>
public sealed record MetricsPoint
{
    /// <summary>The fields that say when and how fast, not what: they differ between identical runs, every other field is the trajectory's.</summary>
    public static readonly IReadOnlyList<string> TimingFields = ["elapsed", "wall_time", "iterations_per_second"];

    /// <summary>Now, as <see cref="WallTime"/> holds it (TensorBoard's wall time): seconds since the Unix epoch, to the millisecond.</summary>
    public static double WallTimeNow() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>"train" (every log_every iterations) or "eval" (end of an epoch; copy/adding: none).</summary>
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("step")] public required long Step { get; init; }
    [JsonPropertyName("epoch")] public required int Epoch { get; init; }
    /// <summary>Training seconds so far, resumed runs included.</summary>
    [JsonPropertyName("elapsed")] public required double Elapsed { get; init; }
    /// <summary>When the point was logged: seconds since the Unix epoch (absent in logs of earlier versions).</summary>
    [JsonPropertyName("wall_time")] public double? WallTime { get; init; }
    [JsonPropertyName("loss")] public double? Loss { get; init; }
    [JsonPropertyName("accuracy")] public double? Accuracy { get; init; }
    [JsonPropertyName("bpc")] public double? Bpc { get; init; }
    [JsonPropertyName("baseline")] public double? Baseline { get; init; }
    /// <summary>The mean over the interval's iterations of the global gradient norm before clipping (train points).</summary>
    [JsonPropertyName("grad_norm")] public double? GradNorm { get; init; }
    [JsonPropertyName("test_loss")] public double? TestLoss { get; init; }
    [JsonPropertyName("test_accuracy")] public double? TestAccuracy { get; init; }
    [JsonPropertyName("valid_bpc")] public double? ValidBpc { get; init; }
    [JsonPropertyName("valid_accuracy")] public double? ValidAccuracy { get; init; }
    [JsonPropertyName("test_bpc")] public double? TestBpc { get; init; }
    /// <summary>The rate of the main parameter group (rmsprop_lr, after the task's schedule).</summary>
    [JsonPropertyName("lr")] public double? LearningRate { get; init; }
    /// <summary>The rate of the group trained at rmsprop_constr_lr, for the models that have one.</summary>
    [JsonPropertyName("lr_recurrent")] public double? RecurrentLearningRate { get; init; }
    /// <summary>Iterations per second since the previous train point (train points after the first of an attempt).</summary>
    [JsonPropertyName("iterations_per_second")] public double? IterationsPerSecond { get; init; }
}
