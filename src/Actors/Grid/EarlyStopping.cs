using System.Text.Json.Serialization;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Grid;

/// <summary>An experiment's `scheduler: type:`.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SchedulerType>))]
public enum SchedulerType
{
    /// <summary>Every run trains its whole length (the default).</summary>
    [JsonStringEnumMemberName("none")] None,
    /// <summary>Asynchronous successive halving: runs pause at rungs and only the best configurations go on.</summary>
    [JsonStringEnumMemberName("asha")] Asha,
}

/// <summary>Whether the higher or the lower value of the metric is better.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MetricMode>))]
public enum MetricMode
{
    [JsonStringEnumMemberName("max")] Max,
    [JsonStringEnumMemberName("min")] Min,
}

/// <summary>What early stopping ranks: configurations by the mean over their seeds, or every run alone.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SeedGrouping>))]
public enum SeedGrouping
{
    [JsonStringEnumMemberName("mean")] Mean,
    [JsonStringEnumMemberName("each")] Each,
}

/// <summary>
/// An experiment's early stopping (`scheduler: type: asha`), resolved and checked against its runs: rank by
/// <see cref="Metric"/> (<see cref="Mode"/> is better) at rungs <see cref="FirstRung"/> × <see cref="Reduction"/>^k before each
/// run's end, keeping the best 1/<see cref="Reduction"/> of each rung going.
/// </summary>
public sealed record EarlyStopping(PointMetric Metric, MetricMode Mode, TrainingPoint FirstRung, int Reduction, SeedGrouping Seeds)
{
    public const int DefaultReduction = 3;

    /// <summary>The rungs of a run of <paramref name="config"/>: FirstRung × Reduction^k, each before the run's end.</summary>
    public IReadOnlyList<TrainingPoint> Rungs(RunConfig config)
    {
        var length = config.Task.Length(config).Count;
        var rungs = new List<TrainingPoint>();
        for (var rung = FirstRung; rung.Count < length; rung = rung.Times(Reduction)) rungs.Add(rung);
        return rungs;
    }

    /// <summary>True where <paramref name="a"/> ranks before <paramref name="b"/>.</summary>
    public bool Better(double a, double b) => Mode == MetricMode.Max ? a > b : a < b;

    /// <summary>"asha: loss (min) at 30, 90, 270 iterations, the best 1/3 of each rung go on, configurations by the mean over their seeds".</summary>
    public string Describe(IReadOnlyList<TrainingPoint> rungs) =>
        $"asha: {Metric.Text()} ({Mode.Text()}) at {string.Join(", ", rungs.Select(r => r.Count))} {FirstRung.Unit.Text()}, "
        + $"the best 1/{Reduction} of each rung go on, {(Seeds == SeedGrouping.Mean ? "configurations by the mean over their seeds" : "each run alone")}";
}
