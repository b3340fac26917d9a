using System.Globalization;
using AsRnnGrid.Actors.Sweep;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// What `run` (live, at a terminal) and `status` show: the sweep at a glance (<see cref="Header"/>) above the table of
/// runs, each named by its label with its id beside it. Where the table has fewer rows than the runs, completed runs fold
/// into one line per experiment, then pending ones; running, retrying and failed runs always have their own rows.
/// </summary>
public static class SweepDisplay
{
    /// <summary>The lines a table takes besides its rows: the top border, the heading, the heading's rule, the bottom border.</summary>
    public const int TableChrome = 4;

    /// <summary>Lines <see cref="Header"/> takes.</summary>
    public const int HeaderLines = 2;

    /// <param name="maxRows">The rows the table may take, or null for one row per run.</param>
    public static Table RunsTable(IReadOnlyList<RunStatus> runs, IAnsiConsole console, int? maxRows = null)
    {
        // Early stopping's column, where a run has rungs.
        bool rungs = runs.Any(r => r.RungCount is not null);
        var table = new Table().AddColumns(["experiment", "run", "id", "state", .. rungs ? new[] { "rung" } : [], "attempt", "device", "step", "loss", "metric", "elapsed", "left"]).Fit(console);
        foreach (var row in Fold(runs, maxRows))
        {
            if (row.Run is not { } r)
            {
                table.AddRow([Markup.Escape(row.Experiment), $"[grey]{row.Folded} runs[/]", "", StateMarkup(row.State, null), .. rungs ? new[] { "" } : [], "", "", "", "", "", "", ""]);
                continue;
            }
            table.AddRow([
                Markup.Escape(r.Experiment),
                Markup.Escape(r.Label ?? ""),
                Markup.Escape(r.Id),
                StateMarkup(r.State, r.Reason),
                .. rungs ? new[] { Rung(r) } : [],
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

    /// <summary>A row of the table: a run, or a count of runs of one experiment and state folded into one line.</summary>
    readonly record struct Row(string Experiment, RunStatus? Run, RunState State, int Folded);

    /// <summary>
    /// The rows in the runs' order, experiment by experiment (one pass): every run while they fit, else each experiment's
    /// completed runs as one line at its top, and, while that is not enough, its pending runs as one line at its end.
    /// </summary>
    static IEnumerable<Row> Fold(IReadOnlyList<RunStatus> runs, int? maxRows)
    {
        if (maxRows is not { } budget || runs.Count <= budget) return runs.Select(r => new Row(r.Experiment, r, r.State, 0));
        var experiments = new Dictionary<string, (List<RunStatus> Others, int Completed, int Pending)>(StringComparer.Ordinal);
        var order = new List<string>();
        int completedFolded = 0;
        foreach (var r in runs)
        {
            if (!experiments.TryGetValue(r.Experiment, out var e))
            {
                e = ([], 0, 0);
                order.Add(r.Experiment);
            }
            if (r.State == RunState.Completed) { e.Completed++; completedFolded++; }
            else e.Others.Add(r);
            if (r.State == RunState.Pending) e.Pending++;
            experiments[r.Experiment] = e;
        }
        // The pending runs fold too only where folding the completed ones is not enough.
        bool foldPending = runs.Count - completedFolded + order.Count > budget;
        var rows = new List<Row>();
        foreach (var name in order)
        {
            var (others, completed, pending) = experiments[name];
            if (completed > 0) rows.Add(new Row(name, null, RunState.Completed, completed));
            rows.AddRange(others.Where(r => !foldPending || r.State != RunState.Pending).Select(r => new Row(name, r, r.State, 0)));
            if (foldPending && pending > 0) rows.Add(new Row(name, null, RunState.Pending, pending));
        }
        return rows;
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

    /// <summary>One line: how many runs are in each state that has any.</summary>
    public static string Counts(SweepProgress progress) => string.Join(", ",
        progress.RunsByState.Where(kv => kv.Value > 0).OrderBy(kv => Order(kv.Key)).Select(kv => $"{kv.Value} {kv.Key.Text()}"));

    static int Order(RunState state) => state switch
    {
        RunState.Running => 0, RunState.Retrying => 1, RunState.Pending => 2, RunState.Paused => 3, RunState.Completed => 4, RunState.StoppedEarly => 5, _ => 6,
    };

    /// <summary>
    /// The sweep at a glance, two lines: runs completed, running, pending and failed (and any other state that has runs);
    /// a progress bar of iterations done of all planned with the aggregate rate and the sweep's time left.
    /// </summary>
    public static IRenderable Header(SweepProgress p)
    {
        RunState[] always = [RunState.Completed, RunState.Running, RunState.Pending, RunState.Failed];
        var states = always.Select(s => (s, n: p.Count(s)))
            .Concat(p.RunsByState.Where(kv => !always.Contains(kv.Key) && kv.Value > 0).Select(kv => (s: kv.Key, n: kv.Value)))
            .Select(x => $"{StateMarkup(x.s, null)} {x.n.ToString("N0", CultureInfo.InvariantCulture)}");
        var planned = p.IterationsPlanned.ToString("N0", CultureInfo.InvariantCulture);
        var numbers = new List<string>
        {
            $"{p.IterationsDone.ToString("N0", CultureInfo.InvariantCulture)} / {(p.RunsWithoutTotal > 0 ? "≥ " : "")}{planned} iterations"
                + (p.RunsWithoutTotal > 0 ? $" ({p.RunsWithoutTotal} runs' totals not known yet)" : ""),
            $"{p.IterationsPerSecond.ToString("0.#", CultureInfo.InvariantCulture)} it/s",
            p.SecondsLeft switch { 0 => "nothing left", { } left => $"{Duration(left)} left", null => "time left not known yet" },
        };
        var bar = new Spectre.Console.Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        bar.AddRow(new ProgressLine(p.IterationsDone, p.IterationsPlanned), new Markup(Markup.Escape(string.Join("  ·  ", numbers))));
        return new Rows(new Markup("runs: " + string.Join("  ", states)), bar);
    }

    /// <summary>Spectre.Console's progress bar (its <see cref="ProgressBarColumn"/> over a <see cref="ProgressTask"/>) as a plain renderable, with the percentage.</summary>
    sealed class ProgressLine(long done, long planned) : Renderable
    {
        const int Width = 30;

        ProgressTask Task() => new(0, "iterations", Math.Max(planned, 1), autoStart: false, TimeProvider.System) { Value = Math.Min(done, Math.Max(planned, 1)) };

        protected override Measurement Measure(RenderOptions options, int maxWidth) => new(Math.Min(Width + 6, maxWidth), Math.Min(Width + 6, maxWidth));

        protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
        {
            var task = Task();
            var bar = new ProgressBarColumn { Width = Math.Max(1, Math.Min(Width, maxWidth - 6)) }.Render(options, task, TimeSpan.Zero);
            foreach (var s in bar.Render(options, maxWidth)) yield return s;
            yield return new Segment($" {task.Percentage,3:0}%  ");
        }
    }

    static string StateMarkup(RunState state, string? reason) => state switch
    {
        RunState.Completed => $"[green]{state.Text()}[/]",
        RunState.Failed => $"[red]{state.Text()}[/]{Reason(reason)}",
        RunState.Retrying => $"[yellow]{state.Text()}[/]{Reason(reason)}",
        RunState.Running => $"[blue]{state.Text()}[/]",
        RunState.Paused => $"[yellow]{state.Text()}[/]",
        RunState.StoppedEarly => $"[grey]{state.Text()}[/]",
        var s => s.Text(),
    };

    static string Reason(string? reason) => reason is null ? "" : " " + Markup.Escape(Shorten(reason, 60));

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

    /// <summary>The rows a table of runs may take on the terminal beside <paramref name="otherLines"/> of other output; null where the output is no terminal.</summary>
    public static int? RowsFor(IAnsiConsole console, int otherLines) =>
        console.Profile.Out.IsTerminal ? Math.Max(3, console.Profile.Height - otherLines - TableChrome) : null;

    /// <summary>The live view of `run`: the header, the runs (folded to the terminal's height) and the latest notices.</summary>
    public static IRenderable Live(SweepStatus status, IAnsiConsole console, IReadOnlyList<string> notices)
    {
        var progress = status.Progress ?? SweepProgress.Of(status.Runs, status.Devices);
        return new Rows(
            Header(progress),
            RunsTable(status.Runs, console, RowsFor(console, HeaderLines + notices.Count + 1)),
            new Rows(notices.Select(n => (IRenderable)new Text(n, new Style(Color.Grey)))));
    }
}
