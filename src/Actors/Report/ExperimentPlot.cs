using ScottPlot;

namespace AsRnnGrid.Actors.Report;

/// <summary>
/// The figure of one experiment (ScottPlot): a line per configuration at the mean over its seeds with a shaded band
/// of ± one standard deviation, in distinct colours, and the memoryless baseline as a dashed line where the task has one.
/// </summary>
public static class ExperimentPlot
{
    public static Plot Build(ExperimentSummary experiment)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        bool anyData = false;
        for (int i = 0; i < experiment.Rows.Count; i++)
        {
            var row = experiment.Rows[i];
            var band = CurveBand.Of(row.Runs.Select(r => (IReadOnlyList<(double, double)>)r.Points
                .Select(experiment.Metric.Curve).OfType<(double X, double Y)>().ToList()));
            if (band is null) continue;
            anyData = true;
            var color = palette.GetColor(i);
            if (band.Seeds > 1 && band.X.Length > 1)
            {
                var fill = plot.Add.FillY(band.X, band.Lower, band.Upper);
                fill.FillColor = color.WithAlpha(0.2);
                fill.LineWidth = 0;
                fill.LineColor = Colors.Transparent;
            }
            var line = plot.Add.ScatterLine(band.X, band.Mean, color);
            line.LineWidth = 2;
            if (band.X.Length == 1) line.MarkerSize = 6;
            line.LegendText = Label(row, band.Seeds);
        }
        if (experiment.Metric.HasBaseline)
        {
            var baselines = experiment.Rows.Select(r => r.Baseline).OfType<double>().Distinct().ToList();
            foreach (var b in baselines)
            {
                var line = plot.Add.HorizontalLine(b, 1.5f, Colors.Black, LinePattern.Dashed);
                line.LegendText = baselines.Count == 1 ? $"baseline {NumberText.Fixed(b, experiment.Metric.Decimals)}"
                    : $"baseline {NumberText.Fixed(b, experiment.Metric.Decimals)} ({string.Join(", ", experiment.Rows.Where(r => r.Baseline == b).Select(r => r.Setting).Distinct())})";
            }
        }
        plot.Title($"{experiment.Name}: {experiment.Metric.YLabel} ({experiment.Task})" + (anyData ? "" : ", no points logged yet"));
        plot.XLabel(experiment.Metric.XLabel);
        plot.YLabel(experiment.Metric.YLabel);
        // Accuracy rises to the top right, losses fall to the bottom: the legend goes where the curves are not.
        plot.ShowLegend(experiment.Task is "smnist" or "pmnist" ? Alignment.LowerRight : Alignment.UpperRight);
        return plot;
    }

    /// <summary>"asrnn h=8 (2 seeds)", with the setting where the experiment varies more than model and size.</summary>
    static string Label(ConfigurationSummary row, int seeds)
        => $"{row.Model} h={row.HiddenSize}" + (row.Setting.Length > 0 ? $" {row.Setting}" : "") + $" ({seeds} seed{(seeds == 1 ? "" : "s")})";
}
