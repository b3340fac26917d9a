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
        bool rungs = status.RungTables is not null;
        var table = new Table().AddColumns(["run", "state", .. rungs ? new[] { "rung" } : [], "attempt", "device", "step", "loss", "metric", "elapsed", "left"]).Fit(console);
        foreach (var r in status.Runs)
        {
            string[] rung = rungs ? [Rung(r)] : [];
            table.AddRow([
                Markup.Escape(r.Id),
                StateMarkup(r),
                .. rung,
                r.Attempt == 0 ? "" : r.Attempt.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(r.Device ?? ""),
                r.TotalSteps is { } total ? $"{r.Step}/{total}" : r.Step.ToString(CultureInfo.InvariantCulture),
                r.Loss is { } loss ? loss.ToString("0.####", CultureInfo.InvariantCulture) : "",
                r.Metric is { } metric ? Markup.Escape($"{r.MetricName} {metric.ToString("0.###", CultureInfo.InvariantCulture)}") : "",
                r.Elapsed is { } elapsed ? Duration(elapsed) : "",
                Remaining(r) is { } left ? Duration(left) : ""]);
        }
        return table;
    }

    /// <summary>Early stopping: rungs reached of the run's rungs, and where it pauses next ("1/3 → 90").</summary>
    static string Rung(RunStatus r) => r.RungCount is { } count
        ? $"{r.Rungs?.Count ?? 0}/{count}" + (r.NextRung is { } next ? $" → {next.ToString(CultureInfo.InvariantCulture)}" : "")
        : "";

    /// <summary>
    /// An early-stopping experiment's rungs: a row per configuration, its metric at each rung (↑ promoted from there,
    /// × stopped early there), and its runs' states.
    /// </summary>
    public static Table RungTable(RungTable t, IAnsiConsole console)
    {
        var table = new Table().Title(Markup.Escape($"{t.Experiment}: {t.Metric} ({t.Mode}) at each rung, {t.Unit}; the best 1/{t.Reduction} go on"))
            .AddColumns(["configuration", .. t.Rungs.Select(r => r.ToString(CultureInfo.InvariantCulture)), "state"]).Fit(console);
        foreach (var c in t.Configurations)
            table.AddRow([Markup.Escape(c.Label), .. t.Rungs.Select((_, i) => c.Cell(t.Rungs, i)), Markup.Escape(c.State)]);
        return table;
    }

    public static Table DevicesTable(SweepStatus status, IAnsiConsole console)
    {
        var table = new Table().AddColumns("node", "device", "state", "run", "failures in a row").Fit(console);
        foreach (var d in status.Devices)
            table.AddRow(Markup.Escape(d.Node), Markup.Escape(d.Device), d.State == DeviceState.Quarantined ? $"[red]{d.State.Text()}[/]" : d.State.Text(),
                Markup.Escape(d.Run ?? ""), d.ConsecutiveFailures.ToString(CultureInfo.InvariantCulture));
        return table;
    }

    /// <summary>One line: how many runs are in each state.</summary>
    public static string Counts(SweepStatus status) => string.Join(", ",
        status.Runs.GroupBy(r => r.State).OrderBy(g => Order(g.Key)).Select(g => $"{g.Count()} {g.Key.Text()}"));

    static int Order(RunState state) => state switch
    {
        RunState.Running => 0, RunState.Retrying => 1, RunState.Pending => 2, RunState.Paused => 3, RunState.Completed => 4, RunState.StoppedEarly => 5, _ => 6,
    };

    static string StateMarkup(RunStatus r) => r.State switch
    {
        RunState.Completed => $"[green]{r.State.Text()}[/]",
        RunState.Failed => $"[red]{r.State.Text()}[/] {Markup.Escape(Shorten(r.Reason ?? "", 60))}",
        RunState.Retrying => $"[yellow]{r.State.Text()}[/] {Markup.Escape(Shorten(r.Reason ?? "", 60))}",
        RunState.Running => $"[blue]{r.State.Text()}[/]",
        RunState.Paused => $"[yellow]{r.State.Text()}[/]",
        RunState.StoppedEarly => $"[grey]{r.State.Text()}[/]",
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
