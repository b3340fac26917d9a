using AsRnnGrid.Training.Tasks;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Report;

/// <summary>One experiment of the sweep: its task, its rows (a configuration each) and the runs behind them.</summary>
public sealed record ExperimentSummary(string Name, TaskKind Task, TaskMetric Metric, IReadOnlyList<ConfigurationSummary> Rows)
{
    /// <summary>The figure's file name without extension, unique within the report.</summary>
    public string PlotName { get; init; } = ReportFiles.PlotName(Name);

    /// <summary>Its early stopping: configurations × rungs, the metric at each (null without).</summary>
    public Sweep.RungTable? Rungs { get; init; }

    /// <summary>"copy", or "long delays (task copy)" where the name does not say the task.</summary>
    public string Heading => Name == Task.Name ? Name : $"{Name} (task {Task})";

    /// <summary>Groups the runs by experiment, then by configuration (the runs' label without the seed).</summary>
    public static IReadOnlyList<ExperimentSummary> Build(IEnumerable<ReportRun> runs, Func<RunConfig, long> countParameters)
    {
        var experiments = new List<ExperimentSummary>();
        foreach (var experiment in runs.GroupBy(r => r.Experiment).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // An experiment holds one task; should a folder scan mix two, each task is its own table.
            foreach (var byTask in experiment.GroupBy(r => r.Task))
            {
                string name = experiment.Select(r => r.Task).Distinct().Count() > 1 ? $"{experiment.Key} ({byTask.Key})" : experiment.Key;
                var metric = byTask.Key.Metric;
                var rows = byTask
                    .GroupBy(r => r.Label.Configuration, StringComparer.Ordinal)
                    .Select(g => Row(name, metric, g.Key, g.OrderBy(r => r.Seed).ToList(), countParameters))
                    .OrderBy(r => r.Model.ReportPosition)
                    .ThenBy(r => r.HiddenSize).ThenBy(r => r.Label, StringComparer.Ordinal)
                    .ToList();
                experiments.Add(new ExperimentSummary(name, byTask.Key, metric, rows) { Rungs = byTask.Select(r => r.RungTable).FirstOrDefault(t => t is not null) });
            }
        }
        // Names that differ only in characters a file name cannot hold would share a figure: number the later ones.
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < experiments.Count; i++)
        {
            var name = experiments[i].PlotName;
            for (int n = 2; !used.Add(name); n++) name = experiments[i].PlotName + "-" + n;
            experiments[i] = experiments[i] with { PlotName = name };
        }
        return experiments;
    }

    static ConfigurationSummary Row(string experiment, TaskMetric metric, string label, IReadOnlyList<ReportRun> runs, Func<RunConfig, long> countParameters)
    {
        var completed = runs.Where(r => r.State == "completed" && r.Result is not null).ToList();
        var values = completed.Select(r => metric.FromResult(r.Result!)).OfType<double>().ToList();
        var reference = runs.FirstOrDefault(r => r.ConfigFromRun) ?? runs[0];
        long parameters = runs.Select(r => r.Result?.Parameters).FirstOrDefault(p => p is > 0) ?? countParameters(reference.Config);
        return new ConfigurationSummary
        {
            Experiment = experiment,
            Task = reference.Task,
            Model = reference.Model,
            HiddenSize = reference.HiddenSize,
            Label = label,
            Parameters = parameters,
            Metric = metric,
            Value = SeedStatistics.Of(values),
            Baseline = metric.HasBaseline ? runs.Select(r => r.Result?.Baseline ?? r.Points.LastOrDefault(p => p.Baseline is not null)?.Baseline).FirstOrDefault(b => b is not null) : null,
            Published = runs.Any(r => r.ConfigFromRun) ? PublishedResults.Match(reference.Config) : null,
            Runs = runs,
        };
    }
}
