using System.Globalization;
using AsRnnGrid.Actors.Sweep;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AsRnnGrid.Actors.Cli;

/// <summary>The table of runs that `run` (live, at a terminal) and `status` show.</summary>
public static class SweepDisplay
{
    public static Table RunsTable(SweepStatus status, IAnsiConsole console, DateTimeOffset now)
    {
        var table = new Table().AddColumns("run", "state", "attempt", "device", "step", "loss", "metric", "elapsed", "left").Fit(console);
        foreach (var r in status.Runs)
        {
            table.AddRow(
                Markup.Escape(r.Id),
                StateMarkup(r),
                r.Attempt == 0 ? "" : r.Attempt.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(r.Device ?? ""),
                r.TotalSteps is { } total ? $"{r.Step}/{total}" : r.Step.ToString(CultureInfo.InvariantCulture),
                r.Loss is { } loss ? loss.ToString("0.####", CultureInfo.InvariantCulture) : "",
                r.Metric is { } metric ? Markup.Escape($"{r.MetricName} {metric.ToString("0.###", CultureInfo.InvariantCulture)}") : "",
                r.Elapsed is { } elapsed ? Duration(elapsed) : "",
                Remaining(r) is { } left ? Duration(left) : "");
        }
        return table;
    }

    public static Table DevicesTable(SweepStatus status, IAnsiConsole console)
    {
        var table = new Table().AddColumns("node", "device", "state", "run", "failures in a row", "note").Fit(console);
        foreach (var d in status.Devices)
            table.AddRow(Markup.Escape(d.Node), Markup.Escape(d.Device), d.State switch
                {
                    DeviceState.Quarantined => $"[red]{d.State.Text()}[/]",
                    DeviceState.Waiting or DeviceState.Paused => $"[yellow]{d.State.Text()}[/]",
                    _ => d.State.Text(),
                },
                Markup.Escape(d.Run ?? ""), d.ConsecutiveFailures.ToString(CultureInfo.InvariantCulture), Markup.Escape(d.Note ?? ""));
        return table;
    }

    /// <summary>One line: how many runs are in each state.</summary>
    public static string Counts(SweepStatus status) => string.Join(", ",
        status.Runs.GroupBy(r => r.State).OrderBy(g => Order(g.Key)).Select(g => $"{g.Count()} {g.Key.Text()}"));

    static int Order(RunState state) => state switch
    {
        RunState.Running => 0, RunState.Retrying => 1, RunState.Pending => 2, RunState.Completed => 3, _ => 4,
    };

    static string StateMarkup(RunStatus r) => r.State switch
    {
        RunState.Completed => $"[green]{r.State.Text()}[/]",
        RunState.Failed => $"[red]{r.State.Text()}[/] {Markup.Escape(Shorten(r.Reason ?? "", 60))}",
        RunState.Retrying => $"[yellow]{r.State.Text()}[/] {Markup.Escape(Shorten(r.Reason ?? "", 60))}",
        RunState.Running => $"[blue]{r.State.Text()}[/]",
        var s => s.Text(),
    };

    static string Shorten(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";

    /// <summary>Seconds left at the latest rate; unknown without one or a known total.</summary>
    public static double? Remaining(RunStatus r) =>
        r.State == RunState.Running && r.TotalSteps is { } total && r.IterationsPerSecond is > 0 and var rate
            ? Math.Max(0, total - r.Step) / rate
            : null;

    public static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:0.0}s";
    }

    public static IRenderable Live(SweepStatus status, IAnsiConsole console, IReadOnlyList<string> notices) =>
        new Rows(
            RunsTable(status, console, DateTimeOffset.Now),
            new Text(Counts(status)),
            new Rows(notices.Select(n => (IRenderable)new Text(n, new Style(Color.Grey)))));
}
