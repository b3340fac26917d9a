using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using YamlDotNet.Core;

namespace AsRnnGrid.Actors.Grid;

/// <summary>One key of `scheduler:` as written: its parsed value and where the value stands.</summary>
sealed record Written<T>(T Value, Mark At);

/// <summary>
/// A `scheduler:` mapping as written under `defaults:` or in an experiment, each key checked for shape and value but not
/// yet against the runs (<see cref="Resolve"/>, once they are expanded); null for a key not given.
/// </summary>
sealed record SchedulerEntry(
    Mark At,
    Written<SchedulerType>? Type,
    Written<PointMetric>? Metric,
    Written<MetricMode>? Mode,
    Written<TrainingPoint>? Rung,
    Written<int>? Reduction,
    Written<SeedGrouping>? Seeds)
{
    /// <summary>This experiment's keys over the defaults' (key by key: an experiment may change one of them).</summary>
    public SchedulerEntry Over(SchedulerEntry? defaults) => defaults is null ? this : new(At,
        Type ?? defaults.Type, Metric ?? defaults.Metric, Mode ?? defaults.Mode, Rung ?? defaults.Rung, Reduction ?? defaults.Reduction, Seeds ?? defaults.Seeds);

    /// <summary>
    /// The experiment's early stopping (null for type none, the default), checked against every run of it: each run's task
    /// reports the metric where it pauses, and can pause at the first rung (in its unit, before its end, on a log point).
    /// Errors point at the key whose value is wrong (at `scheduler:` for a missing or defaulted one).
    /// </summary>
    public EarlyStopping? Resolve(YamlFile yaml, string experiment, IReadOnlyList<PlannedRun> runs)
    {
        if (Type?.Value != SchedulerType.Asha || runs.Count == 0) return null;
        if (Rung is not { } rung)
            throw yaml.Error(At, $"experiment {experiment}: scheduler: type asha needs rung: (the first rung, N iterations or N epochs)");
        var metric = Metric?.Value ?? runs[0].Config.Task.ReportPauseMetric;
        foreach (var run in runs)
        {
            var task = run.Config.Task;
            if (!task.PauseMetrics.Contains(metric))
                throw yaml.Error(Metric?.At ?? At, $"experiment {experiment}: scheduler: metric: {task} does not report {metric.Text()} where its runs pause"
                    + $" (it reports {string.Join(", ", task.PauseMetrics.Select(m => m.Text()))})");
            if (task.PauseProblem(rung.Value, run.Config) is { } problem)
                throw yaml.Error(rung.At, $"experiment {experiment}: scheduler: rung: {problem}");
        }
        var mode = Mode?.Value ?? (metric.Rises() ? MetricMode.Max : MetricMode.Min);
        return new EarlyStopping(metric, mode, rung.Value, Reduction?.Value ?? EarlyStopping.DefaultReduction, Seeds?.Value ?? SeedGrouping.Mean);
    }
}
