using System.Text.Json.Serialization;

namespace AsRnnGrid.Training.Bench;

/// <summary>
/// Sweep throughput with a number of trainer slots on one device: each slot's sustained rate, and the aggregate: every
/// timed iteration over the window from the first slot's start to the last one's end (the slots start together).
/// </summary>
public sealed record SlotRow
{
    [JsonPropertyName("case")] public required string Case { get; init; }
    [JsonPropertyName("fused")] public bool Fused { get; init; }
    [JsonPropertyName("slots")] public int Slots { get; init; }
    [JsonPropertyName("per_slot_iterations_per_second")] public required IReadOnlyList<double> PerSlot { get; init; }
    [JsonPropertyName("aggregate_iterations_per_second")] public double AggregateIterationsPerSecond { get; init; }
    [JsonPropertyName("window_s")] public double WindowSeconds { get; init; }
    /// <summary>Each slot's timed window, [start, end] in Unix seconds.</summary>
    [JsonPropertyName("per_slot_windows")] public required IReadOnlyList<double[]> PerSlotWindows { get; init; }
}
