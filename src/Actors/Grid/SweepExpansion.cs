using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Tasks;
using YamlDotNet.Core;

namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// Expands the experiments of a <see cref="SweepFile"/> into runs, in a stable order: experiments in file order,
/// then the grid's cartesian product (keys in file order, last key fastest), then variants, then seeds.
/// Each run's options are merged as defaults:, fixed keys, grid point, variant, seed (a later value wins).
/// Each run is labelled within its experiment (<see cref="RunLabels"/>) by the options in that order: grid keys, variant keys, seed.
/// </summary>
static class SweepExpansion
{
    const string DataDir = "data_dir", Task = "task";

    public static IReadOnlyList<PlannedRun> Expand(YamlFile yaml, SweepFile file)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(yaml.File))!;
        var runs = new List<PlannedRun>();
        var origins = new Dictionary<string, Mark>(StringComparer.Ordinal);
        var checkedData = new HashSet<(TaskKind, string)>();
        foreach (var experiment in file.Experiments)
        {
            int start = runs.Count;
            IReadOnlyList<Variant?> variants = experiment.Variants.Count > 0 ? [.. experiment.Variants] : [null];
            IReadOnlyList<OptionSetting?> seeds = experiment.Seeds.Count > 0 ? [.. experiment.Seeds] : [null];
            foreach (var point in Product(experiment.Grid))
            foreach (var variant in variants)
            foreach (var seed in seeds)
            {
                List<OptionSetting> merged = [.. file.Defaults, .. experiment.Fixed, .. point, .. variant?.Settings ?? [], .. seed is null ? [] : new[] { seed }];
                // The most specific place this run comes from: where two equal runs are told apart.
                Mark origin = seed?.ValueAt ?? variant?.At ?? point.LastOrDefault()?.ValueAt ?? experiment.At;
                var options = Options(merged, folder);

                RunConfig config;
                try
                {
                    config = RunConfigBuilder.Build(options);
                }
                catch (ConfigurationException e)
                {
                    throw yaml.Error(experiment.At, $"experiment {experiment.Name}: {e.Message}");
                }

                if (checkedData.Add((config.Task, config.DataDir)) && DataFilesCheck.Problem(config) is { } problem)
                {
                    var where = merged.LastOrDefault(s => s.Key == DataDir) ?? merged.Last(s => s.Key == Task);
                    throw yaml.Error(where.KeyAt, problem);
                }

                var id = RunId.For(experiment.Name, config);
                if (origins.TryGetValue(id, out var first))
                    throw yaml.Error(origin,
                        $"two runs with the id {id}: experiment {experiment.Name} at {first.Line}:{first.Column} and experiment {experiment.Name} at {origin.Line}:{origin.Column} have the same configuration");
                origins.Add(id, origin);
                runs.Add(new PlannedRun(id, experiment.Name, options, config));
            }
            Label(runs, start, experiment);
        }
        return runs;
    }

    /// <summary>Labels the runs from <paramref name="start"/> on, those of <paramref name="experiment"/>.</summary>
    static void Label(List<PlannedRun> runs, int start, ExperimentEntry experiment)
    {
        var mine = runs.Skip(start).ToList();
        IEnumerable<string> order = experiment.Grid.Select(a => a.Key)
            .Concat(experiment.Variants.SelectMany(v => v.Settings).Select(s => s.Key))
            .Concat(experiment.Seeds.Select(s => s.Key));
        var labels = RunLabels.For(mine.Select(r => new RunLabels.Source(r.Id, r.Config, r.Options)).ToList(), order.ToList());
        for (int i = 0; i < mine.Count; i++) runs[start + i] = mine[i] with { Label = labels[i] };
    }

    /// <summary>
    /// The option values as `asrnn-grid train` takes them: each key once, at its last place in the merge order,
    /// with data_dir made absolute from the file's folder (a trainer may run in another folder or on another machine).
    /// A data task without data_dir gets the file folder's data/ written out for the same reason.
    /// </summary>
    static List<KeyValuePair<string, string>> Options(List<OptionSetting> merged, string folder)
    {
        var options = new List<KeyValuePair<string, string>>();
        for (int i = 0; i < merged.Count; i++)
        {
            var (key, value) = (merged[i].Key, merged[i].Value);
            if (merged.Skip(i + 1).Any(s => s.Key == key)) continue;
            options.Add(new(key, key == DataDir ? Path.GetFullPath(Path.Combine(folder, value)) : value));
        }
        var task = options.LastOrDefault(kv => kv.Key == Task).Value is { } text ? (TaskKind)TrainOption.Get(Task).Parse(text) : new RunConfig().Task;
        if (task.Data is not null && !options.Any(kv => kv.Key == DataDir))
            options.Add(new(DataDir, Path.Combine(folder, new RunConfig().DataDir)));
        return options;
    }

    /// <summary>Every combination of one value per axis, the last axis changing fastest; one empty point without axes.</summary>
    static IEnumerable<IReadOnlyList<OptionSetting>> Product(IReadOnlyList<GridAxis> axes)
    {
        IEnumerable<IReadOnlyList<OptionSetting>> points = [[]];
        foreach (var axis in axes)
            points = points.SelectMany(p => axis.Values.Select(v => (IReadOnlyList<OptionSetting>)[.. p, v])).ToList();
        return points;
    }
}
