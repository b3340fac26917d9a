namespace AsRnnGrid.Actors.Report;

/// <summary>The names of the report's files in the output folder.</summary>
public static class ReportFiles
{
    public const string Markdown = "summary.md";
    public const string Csv = "summary.csv";
    public const string Html = "index.html";
    public const int PlotWidth = 900;
    public const int PlotHeight = 560;

    /// <summary>The plot's file name without extension: "plot-" and the experiment's name with anything but letters, digits, '-' and '_' as '_'.</summary>
    public static string PlotName(string experiment)
        => "plot-" + string.Concat(experiment.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
