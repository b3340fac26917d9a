using AsRnnGrid.Training.Checkpoints;

namespace AsRnnGrid.Actors.Report;

/// <summary>
/// `asrnn-grid report`: reads a results folder (finished or still running) and writes summary.md, summary.csv, a PNG and
/// an SVG figure per experiment and index.html into the output folder. Of the results folder it writes only what TensorBoard
/// reads, results/tensorboard/, where a run's events are missing (<see cref="TensorBoardExport"/>); the rest it only reads.
/// </summary>
public static class ReportBuilder
{
    public sealed record Output(string Folder, IReadOnlyList<ExperimentSummary> Experiments, IReadOnlyList<string> Files, IReadOnlyList<string> Notes)
    {
        /// <summary>The runs whose TensorBoard events this report wrote.</summary>
        public int TensorBoardWritten { get; init; }
    }

    public static Output Build(string results, string? outFolder = null)
    {
        var notes = new List<string>();
        var runs = ResultsFolder.Read(results, notes.Add);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var experiments = ExperimentSummary.Build(runs, config =>
        {
            // Rows with no result yet are counted by building the model once per distinct configuration.
            var key = Training.Configuration.ConfigHash.Compute(config);
            if (!counts.TryGetValue(key, out var n)) counts[key] = n = ParameterCounter.Count(config);
            return n;
        });

        var folder = Path.GetFullPath(outFolder ?? Path.Combine(results, "report"));
        Directory.CreateDirectory(folder);
        var generated = DateTimeOffset.UtcNow;
        var files = new List<string>();
        void Write(string name, string text)
        {
            var path = Path.Combine(folder, name);
            DurableFile.WriteAllText(path, text);
            files.Add(path);
        }

        var svgs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in experiments)
        {
            using var plot = ExperimentPlot.Build(e);
            var png = Path.Combine(folder, e.PlotName + ".png");
            plot.SavePng(png, ReportFiles.PlotWidth, ReportFiles.PlotHeight);
            files.Add(png);
            var svg = plot.GetSvgXml(ReportFiles.PlotWidth, ReportFiles.PlotHeight);
            Write(e.PlotName + ".svg", svg);
            svgs[e.Name] = svg;
        }
        var shownResults = Path.GetFullPath(results);
        Write(ReportFiles.Csv, SummaryCsv.Write(experiments));
        Write(ReportFiles.Markdown, SummaryMarkdown.Write(experiments, shownResults, generated, notes));
        Write(ReportFiles.Html, HtmlPage.Write(experiments, svgs, shownResults, generated, notes));
        int tensorBoard = TensorBoardExport.Write(Path.GetFullPath(results), runs, notes.Add);
        return new Output(folder, experiments, files, notes) { TensorBoardWritten = tensorBoard };
    }
}
