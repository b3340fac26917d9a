using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// `asrnn-grid status [--results DIR] [--json]`: where every run of a sweep stands, during the sweep or after
/// it, read from sweep-status.json (the ledger itself is never opened, so a running sweep is never disturbed).
/// </summary>
public static class StatusCommand
{
    /// <summary>A "running" sweep whose status file is older than this probably died: say so.</summary>
    static readonly TimeSpan Stale = TimeSpan.FromMinutes(2);

    public static Command Build()
    {
        var command = new Command("status", "show the runs of a sweep: state, attempt, device, progress, time left");
        var results = new Option<string>("--results") { Description = "results folder (default results)", DefaultValueFactory = _ => "results" };
        var json = new Option<bool>("--json") { Description = "print sweep-status.json for scripts" };
        command.Options.Add(results);
        command.Options.Add(json);
        command.SetAction(parsed =>
        {
            var folder = Path.GetFullPath(parsed.GetValue(results)!);
            if (!Directory.Exists(folder)) throw new ConfigurationException($"{folder}: no such results folder");
            SweepStatus status;
            try
            {
                status = SweepStatus.Read(folder)
                    ?? throw new ConfigurationException($"{SweepStatus.PathIn(folder)}: no such file (has `asrnn-grid run` started on this folder?)");
            }
            catch (JsonException e)
            {
                throw new ConfigurationException($"{SweepStatus.PathIn(folder)}:{e.LineNumber + 1}: not a sweep status file ({e.Message.Split('.')[0]})");
            }
            if (parsed.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(status, SweepStatus.Json));
                return (int)ExitCode.Success;
            }
            var console = TerminalConsole.Create();
            var now = DateTimeOffset.Now;
            console.Write(SweepDisplay.RunsTable(status, console, now));
            foreach (var rungs in status.RungTables ?? []) console.Write(SweepDisplay.RungTable(rungs, console));
            if (status.Devices.Count > 0) console.Write(SweepDisplay.DevicesTable(status, console));
            var age = now - status.Updated;
            var note = status.State == SweepState.Running && age > Stale ? $" (no update for {SweepDisplay.Duration(age.TotalSeconds)}: the sweep may have stopped; `asrnn-grid run` again resumes it)" : "";
            console.WriteLine($"sweep {status.State.Text()}{note}: {SweepDisplay.Counts(status)}; updated {status.Updated:yyyy-MM-dd HH:mm:ss}");
            return (int)ExitCode.Success;
        });
        return command;
    }
}
