using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// `asrnn-grid status [--results DIR] [--experiment NAME] [--state STATE] [--json] [--watch]`: where every run of a sweep
/// stands, during the sweep or after it, read from sweep-status.json (the ledger itself is never opened, so a running sweep
/// is never disturbed). `--watch` redraws it in place each second until the sweep is no longer running.
/// </summary>
public static class StatusCommand
{
    /// <summary>A "running" sweep whose status file is older than this probably died: say so.</summary>
    static readonly TimeSpan Stale = TimeSpan.FromMinutes(2);

    static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);

    public static Command Build()
    {
        var command = new Command("status", "show the runs of a sweep: state, attempt, device, progress, time left");
        var results = new Option<string>("--results") { Description = "results folder (default results)", DefaultValueFactory = _ => "results" };
        var json = new Option<bool>("--json") { Description = "print sweep-status.json for scripts (the runs chosen by --experiment and --state)" };
        var experiment = new Option<string[]>("--experiment") { Description = "only the runs of this experiment (may be given more than once)" };
        var state = new Option<string[]>("--state") { Description = $"only the runs in this state: {string.Join(" | ", Enum.GetValues<RunState>().Select(s => s.Text()))} (may be given more than once)" };
        var watch = new Option<bool>("--watch") { Description = "redraw in place each second until the sweep is no longer running" };
        command.Options.Add(results);
        command.Options.Add(json);
        command.Options.Add(experiment);
        command.Options.Add(state);
        command.Options.Add(watch);
        command.SetAction(parsed =>
        {
            var folder = Path.GetFullPath(parsed.GetValue(results)!);
            if (!Directory.Exists(folder)) throw new ConfigurationException($"{folder}: no such results folder");
            var filter = new StatusFilter(parsed.GetValue(experiment) ?? [], States(parsed.GetValue(state) ?? []));
            var status = filter.Apply(Read(folder), SweepStatus.PathIn(folder));
            if (parsed.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(status, SweepStatus.Json));
                return (int)ExitCode.Success;
            }
            var console = TerminalConsole.Create();
            if (parsed.GetValue(watch)) Watch(console, () => TryRead(folder) is { } s ? filter.Apply(s, SweepStatus.PathIn(folder)) : null, status, WatchInterval, CancellationToken.None, filter.FoldAllowed);
            else console.Write(View(status, console, DateTimeOffset.Now, filter.FoldAllowed));
            return (int)ExitCode.Success;
        });
        return command;
    }

    /// <summary>The states named by --state; an unknown name is one error line.</summary>
    static IReadOnlyList<RunState> States(string[] names) => names.Select(n => EnumText.TryParse<RunState>(n, out var s) ? s
        : throw new ConfigurationException($"--state: '{n}' is not one of {string.Join(", ", Enum.GetValues<RunState>().Select(v => v.Text()))}")).ToList();

    static SweepStatus Read(string folder) => SweepStatus.Read(folder)
        ?? throw new ConfigurationException($"{SweepStatus.PathIn(folder)}: no such file (has `asrnn-grid run` started on this folder?)");

    /// <summary>The status file, or null while it is being replaced (the next look finds it whole).</summary>
    static SweepStatus? TryRead(string folder)
    {
        try { return SweepStatus.Read(folder); }
        catch (Exception e) when (e is IOException or ConfigurationException) { return null; }
    }

    /// <summary>
    /// Draws <paramref name="first"/>, then, each <paramref name="interval"/>, what <paramref name="read"/> returns (a failed
    /// read keeps the last view), in place, until the status says the sweep is no longer running or <paramref name="stop"/> is cancelled.
    /// </summary>
    public static void Watch(IAnsiConsole console, Func<SweepStatus?> read, SweepStatus first, TimeSpan interval, CancellationToken stop, bool fold = true)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var status = first;
            console.Live(View(status, console, DateTimeOffset.Now, fold)).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).Start(ctx =>
            {
                while (status.State == SweepState.Running && !cancel.Token.WaitHandle.WaitOne(interval))
                {
                    status = read() ?? status;
                    ctx.UpdateTarget(View(status, console, DateTimeOffset.Now, fold));
                }
            });
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The header, the table of runs, the devices and the line saying how the sweep stands and when the file was written.</summary>
    static IRenderable View(SweepStatus status, IAnsiConsole console, DateTimeOffset now, bool fold)
    {
        var progress = status.Progress ?? SweepProgress.Of(status.Runs, status.Devices);
        var parts = new List<IRenderable> { SweepDisplay.Header(progress) };
        int devices = status.Devices.Count > 0 ? status.Devices.Count + SweepDisplay.TableChrome : 0;
        var rungTables = status.RungTables ?? [];
        // Each rung table: its configurations, its frame and its title (two lines where it wraps).
        int rungs = rungTables.Sum(t => t.Configurations.Count + SweepDisplay.TableChrome + 2);
        parts.Add(SweepDisplay.RunsTable(status.Runs, console, fold ? SweepDisplay.RowsFor(console, SweepDisplay.HeaderLines + devices + rungs + 2) : null));
        foreach (var table in rungTables) parts.Add(SweepDisplay.RungTable(table, console));
        if (status.Devices.Count > 0) parts.Add(SweepDisplay.DevicesTable(status, console));
        var age = now - status.Updated;
        var note = status.State == SweepState.Running && age > Stale ? $" (no update for {SweepDisplay.Duration(age.TotalSeconds)}: the sweep may have stopped; `asrnn-grid run` again resumes it)" : "";
        parts.Add(new Text($"sweep {status.State.Text()}{note}: {SweepDisplay.Counts(progress)}; updated {status.Updated:yyyy-MM-dd HH:mm:ss}"));
        return new Rows(parts);
    }
}
