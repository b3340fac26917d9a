using System.Globalization;
using System.Text;

namespace AsRnnGrid.Actors.Report;

/// <summary>
/// summary.csv (RFC 4180): one line per configuration of every experiment, numbers unrounded (round-trip format)
/// so that a spreadsheet or a script gets exactly what the runs wrote.
/// </summary>
public static class SummaryCsv
{
    static readonly string[] Header =
    [
        "experiment", "task", "model", "hidden_size", "configuration", "parameters", "metric", "mean", "std", "n", "baseline",
        "published", "published_value", "published_std", "published_parameters", "published_source",
        "completed", "failed", "running", "pending", "states",
    ];

    public static string Write(IEnumerable<ExperimentSummary> experiments)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', Header)).Append("\r\n");
        foreach (var row in experiments.SelectMany(e => e.Rows))
        {
            string[] cells =
            [
                row.Experiment, row.Task.Name, row.Model.Name, Int(row.HiddenSize), row.Label, Int(row.Parameters), row.Metric.Key,
                Number(row.Value?.Mean), Number(row.Value?.Std), Int(row.Value?.Count ?? 0), Number(row.Baseline),
                row.Published?.Text ?? "", Number(row.Published?.Value), Number(row.Published?.Std),
                row.Published?.Parameters is { } p ? Int(p) : "", row.Published?.Section ?? "",
                Int(row.Count("completed")), Int(row.Count("failed")), Int(row.Count("running") + row.Count("retrying")), Int(row.Count("pending")),
                row.StatesText(),
            ];
            sb.Append(string.Join(',', cells.Select(Quote))).Append("\r\n");
        }
        return sb.ToString();
    }

    static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    static string Number(double? v) => v is { } d ? d.ToString("R", CultureInfo.InvariantCulture) : "";

    static string Quote(string cell) => cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
