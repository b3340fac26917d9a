using System.Text;

namespace AsRnnGrid.Actors.Report;

/// <summary>summary.md: a table per experiment, as the papers print them, with the published number beside ours.</summary>
public static class SummaryMarkdown
{
    public static string Write(IReadOnlyList<ExperimentSummary> experiments, string results, DateTimeOffset generated, IReadOnlyList<string> notes)
    {
        var sb = new StringBuilder();
        sb.Append("# Sweep report\n\n");
        sb.Append($"Results folder `{results}`, report of {generated:yyyy-MM-dd HH:mm} UTC. ");
        sb.Append("Values are the mean ± sample standard deviation over the completed seeds (n); failed and unfinished runs are not in them.\n\n");
        foreach (var e in experiments)
        {
            sb.Append($"## {Escape(e.Heading)}\n\n");
            var headers = Columns(e);
            sb.Append("| ").Append(string.Join(" | ", headers.Select(h => h.Title))).Append(" |\n");
            sb.Append('|').Append(string.Concat(headers.Select(h => h.Numeric ? "---:|" : "---|"))).Append('\n');
            foreach (var row in e.Rows)
                sb.Append("| ").Append(string.Join(" | ", headers.Select(h => Escape(h.Cell(row))))).Append(" |\n");
            var sources = e.Rows.Select(r => r.Published?.Section).OfType<string>().Distinct().ToList();
            if (sources.Count > 0) sb.Append('\n').Append(string.Join("\n", sources.Select(s => $"Published: {Escape(s)} (AsRnnGrid docs/models.md)."))).Append('\n');
            if (e.Rungs is { } rungs)
            {
                sb.Append('\n').Append(Escape(RungHeading(rungs))).Append("\n\n");
                var columns = RungColumns(rungs);
                sb.Append("| ").Append(string.Join(" | ", columns.Select(h => h.Title))).Append(" |\n");
                sb.Append('|').Append(string.Concat(columns.Select(h => h.Numeric ? "---:|" : "---|"))).Append('\n');
                foreach (var row in rungs.Configurations)
                    sb.Append("| ").Append(string.Join(" | ", columns.Select(h => Escape(h.Cell(row))))).Append(" |\n");
            }
            sb.Append($"\n![{Escape(e.Name)}]({e.PlotName}.png)\n\n");
        }
        if (notes.Count > 0)
        {
            sb.Append("## Notes\n\n");
            foreach (var note in notes) sb.Append("- ").Append(Escape(note)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The table's columns for an experiment (shared with the HTML page): baseline only where the task has one, published only where a row matched.</summary>
    public static IReadOnlyList<(string Title, bool Numeric, Func<ConfigurationSummary, string> Cell)> Columns(ExperimentSummary e)
    {
        var columns = new List<(string, bool, Func<ConfigurationSummary, string>)>
        {
            ("model", false, r => r.Model.Name),
            ("hidden size", true, r => r.HiddenSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        // The configuration's label where it says more than the model's name.
        if (e.Rows.Any(r => r.Label != r.Model.Name)) columns.Insert(0, ("configuration", false, r => r.Label));
        columns.Add(("parameters", true, r => NumberText.Count(r.Parameters)));
        columns.Add((e.Metric.Name, true, r => NumberText.MeanStd(r.Value, e.Metric.Decimals)));
        if (e.Metric.HasBaseline) columns.Add(("baseline", true, r => NumberText.Fixed(r.Baseline, e.Metric.Decimals)));
        if (e.Rows.Any(r => r.Published is not null))
            columns.Add(("published", false, r => r.Published is { } p ? $"{p.Text} ({p.ParametersText} params)" : "—"));
        columns.Add(("runs", false, r => r.StatesText()));
        return columns;
    }

    /// <summary>The sentence above an experiment's rung table (shared with the HTML page).</summary>
    public static string RungHeading(Sweep.RungTable t) =>
        $"Early stopping (ASHA): {t.Metric} ({t.Mode}) of each configuration at each rung ({t.Unit}), "
        + (t.Seeds == "mean" ? "the mean over its seeds" : "each run alone")
        + $"; the best 1/{t.Reduction} of each rung went on (↑ promoted from there, × stopped early there).";

    /// <summary>The rung table's columns (shared with the HTML page): the configuration, its value at each rung, its runs' states.</summary>
    public static IReadOnlyList<(string Title, bool Numeric, Func<Sweep.RungTableRow, string> Cell)> RungColumns(Sweep.RungTable t)
    {
        var columns = new List<(string, bool, Func<Sweep.RungTableRow, string>)> { ("configuration", false, r => r.Label) };
        for (int i = 0; i < t.Rungs.Count; i++)
        {
            int k = i;
            columns.Add(($"{t.Rungs[k].ToString(System.Globalization.CultureInfo.InvariantCulture)} {t.Unit}", true, r => r.Cell(t.Rungs, k)));
        }
        columns.Add(("runs", false, r => r.State));
        return columns;
    }

    /// <summary>Keeps a cell in its column: pipes escaped, line breaks flattened.</summary>
    static string Escape(string text) => text.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
