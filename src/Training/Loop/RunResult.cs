using System.Text.Json.Serialization;

namespace AsRnnGrid.Training.Loop;

/// <summary>result.json: how the run ended and its summary numbers.</summary>
public sealed record RunResult
{
    /// <summary>completed | stopped (asked to stop; resumable) | paused (at its --pause-at point; resumable) | failed.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    [JsonPropertyName("task")] public required string Task { get; init; }
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; }
    [JsonPropertyName("parameters")] public long Parameters { get; init; }
    [JsonPropertyName("steps")] public long Steps { get; init; }
    [JsonPropertyName("epochs")] public int Epochs { get; init; }
    [JsonPropertyName("elapsed")] public double Elapsed { get; init; }
    [JsonPropertyName("final_loss")] public double? FinalLoss { get; init; }
    [JsonPropertyName("baseline")] public double? Baseline { get; init; }
    [JsonPropertyName("final_accuracy")] public double? FinalAccuracy { get; init; }
    [JsonPropertyName("best_test_accuracy")] public double? BestTestAccuracy { get; init; }
    [JsonPropertyName("final_test_accuracy")] public double? FinalTestAccuracy { get; init; }
    [JsonPropertyName("best_valid_bpc")] public double? BestValidBpc { get; init; }
    /// <summary>Test bits per character of the epoch with the best validation bpc (the papers' number).</summary>
    [JsonPropertyName("test_bpc")] public double? TestBpc { get; init; }
    [JsonPropertyName("final_bpc")] public double? FinalBpc { get; init; }
    [JsonPropertyName("config_hash")] public string? ConfigHash { get; init; }
    /// <summary>Where a paused run paused ("300 iterations"); null for the other statuses.</summary>
    [JsonPropertyName("paused_at")] public string? PausedAt { get; init; }
    /// <summary>A paused run's log line at its pause point: the numbers early stopping compares.</summary>
    [JsonPropertyName("pause_point")] public MetricsPoint? PausePoint { get; init; }

    /// <summary>
    /// A run folder's result.json as the report and a ledger rebuild read it: (null, null) where there is none, the
    /// problem in a person's words (<see cref="JsonProblem.At"/>) where it does not parse. Read with every sharing mode,
    /// so that a run writing its folder meanwhile is not disturbed.
    /// </summary>
    public static (RunResult? Result, string? Problem) TryRead(string path)
    {
        if (!File.Exists(path)) return (null, null);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return (System.Text.Json.JsonSerializer.Deserialize<RunResult>(stream, MetricsJson.Options), null);
        }
        catch (System.Text.Json.JsonException e)
        {
            return (null, JsonProblem.At(path, e));
        }
    }
}
