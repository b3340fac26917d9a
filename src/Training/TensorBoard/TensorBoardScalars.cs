using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Training.TensorBoard;

/// <summary>
/// The TensorBoard scalars of a metrics.jsonl point: one tag per field, the metric before the slash so that TensorBoard
/// draws a metric's train, validation and test curves in one section ("loss/train", "loss/test"). Timing fields other than
/// the rate are the event's wall time, not scalars. Values are TensorBoard's single precision.
/// </summary>
public static class TensorBoardScalars
{
    static readonly (string Tag, Func<MetricsPoint, double?> Value)[] Train =
    [
        ("loss/train", p => p.Loss),
        ("accuracy/train", p => p.Accuracy),
        ("bpc/train", p => p.Bpc),
        ("loss/baseline", p => p.Baseline),
        ("gradient/norm", p => p.GradNorm),
        ("learning_rate/main", p => p.LearningRate),
        ("learning_rate/recurrent", p => p.RecurrentLearningRate),
        ("speed/iterations_per_second", p => p.IterationsPerSecond),
    ];

    // An epoch's point shares its step with the epoch's last train point: its rates (after the schedule, the next
    // epoch's) are left out so that no tag has two values at one step; the next train point shows them.
    static readonly (string Tag, Func<MetricsPoint, double?> Value)[] Eval =
    [
        ("loss/train_epoch", p => p.Loss),
        ("accuracy/train_epoch", p => p.Accuracy),
        ("bpc/train_epoch", p => p.Bpc),
        ("loss/test", p => p.TestLoss),
        ("accuracy/test", p => p.TestAccuracy),
        ("accuracy/valid", p => p.ValidAccuracy),
        ("bpc/valid", p => p.ValidBpc),
        ("bpc/test", p => p.TestBpc),
    ];

    /// <summary>Every scalar <paramref name="point"/> holds, as (tag, value), in a fixed order.</summary>
    public static IEnumerable<(string Tag, float Value)> Of(MetricsPoint point)
    {
        foreach (var (tag, value) in point.Kind == "eval" ? Eval : Train)
            if (value(point) is { } v) yield return (tag, (float)v);
    }
}
