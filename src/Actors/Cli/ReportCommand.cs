using System.CommandLine;
using AsRnnGrid.Actors.Report;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// `asrnn-grid report [--results DIR] [--out DIR]`: the papers' tables and training curves of a sweep, finished or
/// still running. Exit codes: 0 written, 2 bad input (no results folder, unreadable status file), 1 other faults.
/// </summary>
public static class ReportCommand
{
    public static Command Build()
    {
        var command = new Command("report", "tables (summary.md, summary.csv), figures (PNG, SVG) and index.html of a sweep's results");
        var results = new Option<string>("--results") { Description = "results folder (default results)", HelpName = "DIR" };
        var outFolder = new Option<string>("--out") { Description = "output folder (default <results>/report)", HelpName = "DIR" };
        command.Options.Add(results);
        command.Options.Add(outFolder);
        command.SetAction(parsed =>
        {
            var output = ReportBuilder.Build(parsed.GetValue(results) ?? "results", parsed.GetValue(outFolder));
            foreach (var note in output.Notes) Console.Error.WriteLine("warning: " + note);
            var runs = output.Experiments.SelectMany(e => e.Rows).SelectMany(r => r.Runs).ToList();
            Console.WriteLine($"report of {output.Experiments.Count} experiment(s), {runs.Count} run(s) " +
                $"({runs.Count(r => r.State == "completed")} completed, {runs.Count(r => r.State == "failed")} failed, " +
                $"{runs.Count(r => r.State is not ("completed" or "failed"))} not finished)");
            Console.WriteLine($"written to {output.Folder}: {string.Join(", ", output.Files.Select(Path.GetFileName))}");
            if (output.TensorBoardWritten > 0)
                Console.WriteLine($"TensorBoard events of {output.TensorBoardWritten} run(s) written from their metrics.jsonl: tensorboard --logdir {Path.Combine(Path.GetFullPath(parsed.GetValue(results) ?? "results"), "tensorboard")}");
            return (int)ExitCode.Success;
        });
        return command;
    }
}
