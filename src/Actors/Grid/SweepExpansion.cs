using System.Globalization;
using System.Numerics;
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

    /// <summary>
    /// The runs, and a note for each set of runs whose ids needed more of their hash than <see cref="RunId.HashLength"/>
    /// digits (different configurations whose short ids are the same).
    /// </summary>
    public static (IReadOnlyList<PlannedRun> Runs, IReadOnlyList<string> Notes) Expand(YamlFile yaml, SweepFile file)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(yaml.File))!;
        var drafts = new List<(string Experiment, List<KeyValuePair<string, string>> Options, RunConfig Config, string Hash)>();
        var origins = new Dictionary<(string Experiment, string Hash), Mark>();
        var byShortId = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var checkedData = new HashSet<(TaskKind, string)>();
        var starts = new List<(ExperimentEntry Experiment, int Start)>();
        CheckCount(yaml, file);
        foreach (var experiment in file.Experiments)
        {
            starts.Add((experiment, drafts.Count));
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

                var hash = ConfigHash.Compute(config);
                var shortId = RunId.For(experiment.Name, hash);
                if (origins.TryGetValue((experiment.Name, hash), out var first))
                    throw yaml.Error(origin,
                        $"two runs with the id {shortId}: experiment {experiment.Name} at {first.Line}:{first.Column} and experiment {experiment.Name} at {origin.Line}:{origin.Column} have the same configuration");
                origins.Add((experiment.Name, hash), origin);
                if (!byShortId.TryGetValue(shortId, out var same)) byShortId[shortId] = same = [];
                same.Add(drafts.Count);
                drafts.Add((experiment.Name, options, config, hash));
            }
        }

        var ids = drafts.Select(d => RunId.For(d.Experiment, d.Hash)).ToArray();
        var notes = new List<string>();
        foreach (var (shortId, indices) in byShortId.Where(g => g.Value.Count > 1))
        {
            int length = RunId.LengthApart(indices.Select(i => drafts[i].Hash).ToArray());
            foreach (var i in indices) ids[i] = RunId.For(drafts[i].Experiment, drafts[i].Hash, length);
            notes.Add($"{indices.Count} runs of different configurations would share the id {shortId}; they get {length} hex digits of their configuration hash: {string.Join(", ", indices.Select(i => ids[i]))}");
        }
        var runs = drafts.Select((d, i) => new PlannedRun(ids[i], d.Experiment, d.Options, d.Config)).ToList();
        // Labels last: a label that two runs share falls back to the (final) id.
        for (int e = 0; e < starts.Count; e++)
            Label(runs, starts[e].Start, (e + 1 < starts.Count ? starts[e + 1].Start : runs.Count) - starts[e].Start, starts[e].Experiment);
        return (runs, notes);
    }

    /// <summary>Refuses, before anything is expanded, a file of more than max_runs runs, at the experiment that goes past it.</summary>
    static void CheckCount(YamlFile yaml, SweepFile file)
    {
        int max = file.Settings.MaxRuns;
        BigInteger total = 0;
        foreach (var experiment in file.Experiments)
        {
            var count = experiment.RunCount;
            total += count;
            if (count > max)
                throw yaml.Error(experiment.At,
                    $"experiment {experiment.Name} expands to {N(count)} runs ({Factors(experiment)}), more than max_runs ({N(max)}): make its grid smaller or raise max_runs");
            if (total > max)
                throw yaml.Error(experiment.At,
                    $"experiment {experiment.Name} brings the sweep to {N(total)} runs, more than max_runs ({N(max)}): split the file or raise max_runs");
        }
    }

    static string N(BigInteger n) => n.ToString("N0", CultureInfo.InvariantCulture);

    static string Factors(ExperimentEntry e)
    {
        var parts = e.Grid.Select(a => $"{a.Key} {a.Values.Count}").ToList();
        if (e.Variants.Count > 0) parts.Add($"variants {e.Variants.Count}");
        if (e.Seeds.Count > 0) parts.Add($"seeds {e.Seeds.Count}");
        return string.Join(" × ", parts);
    }

    /// <summary>Labels the runs from <paramref name="start"/> on, those of <paramref name="experiment"/>.</summary>
    static void Label(List<PlannedRun> runs, int start, int count, ExperimentEntry experiment)
    {
        var mine = runs.GetRange(start, count);
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
        var task = RunConfigBuilder.TaskOf(options);
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
