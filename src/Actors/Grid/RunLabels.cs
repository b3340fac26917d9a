using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// Labels the runs of one experiment (<see cref="RunLabel"/>): the model's name bare, then, for every option whose value is not
/// the same in all the experiment's runs, `name=value` as the run writes it (a run that leaves such an option at its
/// default does not name it), the options in the given order (the grid's), the others after them in the options' own order.
/// Options are named by <see cref="ShortNames"/> where they have a short name. A pure function of its input: the same file
/// gives the same labels each time it is read. Two runs of different configurations cannot get the same label (equal written
/// values and equal defaults are one configuration); should two ever be spelt alike as folder names, both get their id added.
/// </summary>
public static class RunLabels
{
    /// <summary>The short names labels use for the common options; every other option is named in full.</summary>
    public static readonly IReadOnlyDictionary<string, string> ShortNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["hidden_size"] = "h",
        ["rmsprop_lr"] = "lr",
        ["rmsprop_constr_lr"] = "lr_rec",
        ["random_seed"] = "seed",
        ["batch_size"] = "batch",
        ["iterations"] = "iters",
        ["clip_norm"] = "clip",
        ["delay_length"] = "delay",
        ["recall_length"] = "recall",
        ["seq_length"] = "T",
        ["permute_seed"] = "perm",
        ["lstm_readout"] = "readout",
        ["optimizer"] = "opt",
    };

    const string Model = "model", Seed = "random_seed";

    /// <summary>One run to label: its id, its resolved configuration and the options it was built from, as written.</summary>
    public sealed record Source(string Id, RunConfig Config, IReadOnlyList<KeyValuePair<string, string>> Written);

    /// <summary>The labels of one experiment's <paramref name="runs"/>, in their order; <paramref name="order"/> ranks the options first named.</summary>
    public static IReadOnlyList<RunLabel> For(IReadOnlyList<Source> runs, IReadOnlyList<string> order)
    {
        var written = runs.Select(r => r.Written.Where(kv => kv.Key != Model).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)).ToList();
        var keys = written.SelectMany(w => w.Keys).Distinct(StringComparer.Ordinal).Where(k => Differs(k, runs, written)).ToList();
        var rank = order.Select((k, i) => (k, i)).GroupBy(x => x.k).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        keys = keys.OrderBy(k => rank.TryGetValue(k, out var i) ? i : int.MaxValue)
            .ThenBy(k => TrainOptionIndex(k)).ThenBy(k => k, StringComparer.Ordinal).ToList();

        var labels = new RunLabel[runs.Count];
        for (int r = 0; r < runs.Count; r++)
        {
            var parts = keys.Where(written[r].ContainsKey).Select(k => (k, Text: $"{ShortNames.GetValueOrDefault(k, k)}={written[r][k]}")).ToList();
            string Join(IEnumerable<string> values) => string.Join(' ', new[] { runs[r].Config.Model.Name }.Concat(values));
            labels[r] = new RunLabel(Join(parts.Select(p => p.Text)), Join(parts.Where(p => p.k != Seed).Select(p => p.Text)));
        }
        var clashing = labels.Select((l, i) => (Name: RunLabel.FolderName(l.Text), i)).GroupBy(x => x.Name, StringComparer.Ordinal)
            .Where(g => g.Count() > 1).SelectMany(g => g.Select(x => x.i));
        foreach (var i in clashing)
            labels[i] = new RunLabel($"{labels[i].Text} {runs[i].Id}", $"{labels[i].Configuration} {runs[i].Id}");
        return labels;
    }

    /// <summary>The labels of runs known only by their configurations (a results folder without the sweep's labels): every trajectory option counts as written.</summary>
    public static IReadOnlyList<RunLabel> FromConfigs(IReadOnlyList<(string Id, RunConfig Config)> runs) =>
        For(runs.Select(r => new Source(r.Id, r.Config, ConfigHash.TrajectoryKeys(r.Config).ToList())).ToList(), []);

    /// <summary>Whether <paramref name="key"/> takes more than one value over the runs (a run that does not write it has the value its configuration resolved).</summary>
    static bool Differs(string key, IReadOnlyList<Source> runs, List<Dictionary<string, string>> written)
    {
        string? first = null;
        bool allWritten = true;
        foreach (var w in written)
        {
            if (!w.TryGetValue(key, out var text)) { allWritten = false; continue; }
            first ??= text;
            if (text != first) return ResolvedDiffer(key, runs);
        }
        // Written alike everywhere: one value. Written by some only: the others hold a default, which may be another.
        return !allWritten && ResolvedDiffer(key, runs);
    }

    static bool ResolvedDiffer(string key, IReadOnlyList<Source> runs)
    {
        if (TrainOption.Find(key) is not { } option) return true;
        var first = option.Format(runs[0].Config);
        return runs.Any(r => option.Format(r.Config) != first);
    }

    static int TrainOptionIndex(string key)
    {
        for (int i = 0; i < TrainOption.All.Count; i++)
            if (TrainOption.All[i].Name == key) return i;
        return int.MaxValue;
    }
}
