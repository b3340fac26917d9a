using ScottPlot;

namespace AsRnnGrid.Actors.Report;

/// <summary>
/// The figure of one experiment (ScottPlot): a line per configuration at the mean over its seeds with a shaded band
/// of ± one standard deviation, in distinct colours, and the memoryless baseline as a dashed line where the task has one.
/// A configuration that early stopping stopped is dotted and ends in a cross where it stopped, its legend says so.
/// </summary>
public static class ExperimentPlot
{
    public static Plot Build(ExperimentSummary experiment)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bands = experiment.Rows
            .Select((row, i) => (Row: row, Color: palette.GetColor(i), Band: CurveBand.Of(row.Runs.Select(r => (IReadOnlyList<(double, double)>)r.Points
                .Select(experiment.Metric.Curve).OfType<(double X, double Y)>().ToList()))))
            .Where(b => b.Band is not null).ToList();
        // Every band first, then every line: no band veils another configuration's line.
        foreach (var (_, color, band) in bands)
        {
            if (band!.Seeds < 2 || band.X.Length < 2) continue;
            var fill = plot.Add.FillY(band.X, band.Lower, band.Upper);
            fill.FillColor = color.WithAlpha(0.2);
            fill.LineWidth = 0;
            fill.LineColor = Colors.Transparent;
        }
        foreach (var (row, color, band) in bands)
        {
            var line = plot.Add.ScatterLine(band!.X, band.Mean, color);
            line.LineWidth = 2;
            if (band.X.Length == 1) line.MarkerSize = 6;
            line.LegendText = Label(row, band.Seeds) + (row.StoppedEarly ? $", stopped early at step {row.LastLoggedStep}" : "");
            if (row.StoppedEarly)
            {
                line.LinePattern = LinePattern.Dotted;
                var end = plot.Add.Marker(band.X[^1], band.Mean[^1], MarkerShape.Eks, 9, color);
                end.LegendText = "";
            }
        }
        if (experiment.Metric.HasBaseline)
        {
            var baselines = experiment.Rows.Select(r => r.Baseline).OfType<double>().Distinct().ToList();
            foreach (var b in baselines)
            {
                var line = plot.Add.HorizontalLine(b, 1.5f, Colors.Black, LinePattern.Dashed);
                line.LegendText = baselines.Count == 1 ? $"baseline {NumberText.Fixed(b, experiment.Metric.Decimals)}"
                    : $"baseline {NumberText.Fixed(b, experiment.Metric.Decimals)} ({string.Join(", ", experiment.Rows.Where(r => r.Baseline == b).Select(r => r.Label).Distinct())})";
            }
        }
        plot.Title($"{experiment.Heading}: {experiment.Metric.YLabel}" + (bands.Count > 0 ? "" : ", no points logged yet"));
        plot.XLabel(experiment.Metric.XLabel);
        // Iterations and epochs are counts: no tick at epoch 1.2.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel(experiment.Metric.YLabel);
        // Accuracy rises to the top right, losses fall to the bottom: the legend goes where the curves are not.
        plot.ShowLegend(experiment.Metric.Rises ? Alignment.LowerRight : Alignment.UpperRight);
        return plot;
    }

    /// <summary>"asrnn h=32 lr=1e-3 (2 seeds)": the configuration's label and its seeds.</summary>
    static string Label(ConfigurationSummary row, int seeds) => $"{row.Label} ({seeds} seed{(seeds == 1 ? "" : "s")})";
}
