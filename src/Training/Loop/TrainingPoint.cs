using System.Globalization;
using System.Text.Json.Serialization;

namespace AsRnnGrid.Training.Loop;

/// <summary>What a run's length is counted in: iterations (copy, adding) or epochs (MNIST, PTB).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrainingUnit>))]
public enum TrainingUnit
{
    [JsonStringEnumMemberName("iterations")] Iterations,
    [JsonStringEnumMemberName("epochs")] Epochs,
}

/// <summary>
/// A point in a run's training, counted in its task's unit: "300 iterations", "1 epoch". Where a run is asked to pause
/// (`train --pause-at`) and where early stopping's rungs stand.
/// </summary>
public readonly record struct TrainingPoint(
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("unit")] TrainingUnit Unit)
{
    /// <summary>"300 iterations", "1 epoch", "2 epochs", "1 iteration".</summary>
    public override string ToString()
    {
        var unit = Unit == TrainingUnit.Epochs ? "epoch" : "iteration";
        return Count.ToString(CultureInfo.InvariantCulture) + " " + unit + (Count == 1 ? "" : "s");
    }

    /// <summary>Reads "N iterations" or "N epochs" (singular or plural, N a positive integer); null for anything else.</summary>
    public static TrainingPoint? Parse(string text)
    {
        var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1) return null;
        TrainingUnit? unit = parts[1] switch
        {
            "iteration" or "iterations" => TrainingUnit.Iterations,
            "epoch" or "epochs" => TrainingUnit.Epochs,
            _ => null,
        };
        return unit is { } u ? new TrainingPoint(count, u) : null;
    }

    public TrainingPoint Times(long factor) => this with { Count = checked(Count * factor) };
}
