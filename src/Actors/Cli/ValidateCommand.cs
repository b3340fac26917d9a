using System.CommandLine;
using System.Globalization;
using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Training.Configuration;
using Spectre.Console;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// `asrnn-grid validate [FILE]`: reads an experiments.yaml as `run` would, prints every run it expands to and
/// a count line; a bad file gives one line on stderr (FILE:LINE:COL) and exit code 2. Nothing is trained or written.
/// </summary>
public static class ValidateCommand
{
    public static Command Build()
    {
        var command = new Command("validate", "check an experiments file and list the runs it expands to");
        var file = new Argument<string>("FILE")
        {
            Description = "the experiments file",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "experiments.yaml",
        };
        command.Arguments.Add(file);
        command.SetAction(parsed =>
        {
            var sweep = SweepFileReader.Read(parsed.GetValue(file)!);
            Print(sweep, TerminalConsole.Create());
            return (int)ExitCode.Success;
        });
        return command;
    }

    public static void Print(SweepDefinition sweep, IAnsiConsole console)
    {
        var table = new Table().AddColumns("id", "experiment", "label", "task", "model", "hidden", "lr / constr lr", "iterations / epochs", "seed");
        table.Fit(console);
        foreach (var run in sweep.Runs)
        {
            var c = run.Config;
            table.AddRow(
                Markup.Escape(run.Id), Markup.Escape(run.Experiment), Markup.Escape(run.Label.Text), c.Task.Name, c.Model.Name,
                c.HiddenSize.ToString(CultureInfo.InvariantCulture),
                $"{Rate(c.RmspropLr)} / {(c.UsesRecurrentRate ? Rate(c.RmspropConstrLr) : "-")}",
                c.IsEpochTask ? $"{c.Epochs} epochs" : $"{c.Iterations} iterations",
                c.RandomSeed.ToString(CultureInfo.InvariantCulture));
        }
        console.Write(table);
        // Straight to the console's writer: Spectre would wrap a long line at the console's width.
        foreach (var note in sweep.Notes) console.Profile.Out.Writer.WriteLine("note: " + note);
        int experiments = sweep.Runs.Select(r => r.Experiment).Distinct().Count();
        console.WriteLine($"{Count(sweep.Runs.Count, "run")} in {Count(experiments, "experiment")}; results: {sweep.Results}");
        foreach (var (experiment, asha) in sweep.EarlyStopping)
            console.WriteLine($"early stopping of {experiment}: {asha.Describe(asha.Rungs(sweep.Runs.First(r => r.Experiment == experiment).Config))}");
    }

    static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    /// <summary>Learning rates as the papers write them: 2e-4.</summary>
    static string Rate(double x) => x.ToString("0.###e0", CultureInfo.InvariantCulture);
}
