using System.Text.Json.Serialization;

namespace AsRnnGrid.Training.Loop;

/// <summary>One line of metrics.jsonl. Fields a task does not measure are left out.</summary>
public sealed record MetricsPoint
{
    /// <summary>"train" (every log_every iterations) or "eval" (end of an epoch; copy/adding: none).</summary>
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("step")] public required long Step { get; init; }
    [JsonPropertyName("epoch")] public required int Epoch { get; init; }
    /// <summary>Training seconds so far, resumed runs included. The only field that differs between identical runs.</summary>
    [JsonPropertyName("elapsed")] public required double Elapsed { get; init; }
    [JsonPropertyName("loss")] public double? Loss { get; init; }
    [JsonPropertyName("accuracy")] public double? Accuracy { get; init; }
    [JsonPropertyName("bpc")] public double? Bpc { get; init; }
    [JsonPropertyName("baseline")] public double? Baseline { get; init; }
    [JsonPropertyName("test_loss")] public double? TestLoss { get; init; }
    [JsonPropertyName("test_accuracy")] public double? TestAccuracy { get; init; }
    [JsonPropertyName("valid_bpc")] public double? ValidBpc { get; init; }
    [JsonPropertyName("valid_accuracy")] public double? ValidAccuracy { get; init; }
    [JsonPropertyName("test_bpc")] public double? TestBpc { get; init; }
    [JsonPropertyName("lr")] public double? LearningRate { get; init; }
    [JsonIgnore] public double? IterationsPerSecond { get; init; }

    /// <summary>One line of metrics.jsonl; a <see cref="System.Text.Json.JsonException"/> where it is not a log point.</summary>
    public static MetricsPoint Parse(string line) => System.Text.Json.JsonSerializer.Deserialize<MetricsPoint>(line, MetricsJson.Options)
        ?? throw new System.Text.Json.JsonException("null is not a log point");
}
