using System.Text.Json.Serialization;

namespace AsRnnGrid.Training.Loop;

/// <summary>
/// A number of a metrics.jsonl line, by the line's own field name: what early stopping compares runs by at a rung.
/// Which of them a task reports at the points where its runs may pause is the task's to say (<see cref="Tasks.TaskKind.PauseMetrics"/>).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<PointMetric>))]
public enum PointMetric
{
    [JsonStringEnumMemberName("loss")] Loss,
    [JsonStringEnumMemberName("accuracy")] Accuracy,
    [JsonStringEnumMemberName("bpc")] Bpc,
    [JsonStringEnumMemberName("test_loss")] TestLoss,
    [JsonStringEnumMemberName("test_accuracy")] TestAccuracy,
    [JsonStringEnumMemberName("valid_bpc")] ValidBpc,
    [JsonStringEnumMemberName("valid_accuracy")] ValidAccuracy,
    [JsonStringEnumMemberName("test_bpc")] TestBpc,
}

public static class PointMetrics
{
    /// <summary>The point's value of the metric; null where the line does not carry it.</summary>
    public static double? Of(this PointMetric metric, MetricsPoint point) => metric switch
    {
        PointMetric.Loss => point.Loss,
        PointMetric.Accuracy => point.Accuracy,
        PointMetric.Bpc => point.Bpc,
        PointMetric.TestLoss => point.TestLoss,
        PointMetric.TestAccuracy => point.TestAccuracy,
        PointMetric.ValidBpc => point.ValidBpc,
        PointMetric.ValidAccuracy => point.ValidAccuracy,
        PointMetric.TestBpc => point.TestBpc,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
    };

    /// <summary>True for the accuracies (higher is better); losses and bits per character fall.</summary>
    public static bool Rises(this PointMetric metric) => metric is PointMetric.Accuracy or PointMetric.TestAccuracy or PointMetric.ValidAccuracy;
}
