using System.Globalization;
using AsRnnGrid.Actors.Report;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Tests.Report;

/// <summary>
/// The report of a sweep with early stopping: per experiment the rung table (configurations × rungs, the metric at each),
/// early-stopped runs named so in the tables and drawn dotted, to where they stopped, in the figure.
/// </summary>
public sealed class EarlyStoppingReportTests : IDisposable
{
    readonly string _results = Directory.CreateTempSubdirectory("asrnn-report-asha-").FullName;
    readonly string _out = Directory.CreateTempSubdirectory("asrnn-report-asha-out-").FullName;

    public void Dispose()
    {
        foreach (var folder in new[] { _results, _out })
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { /* best effort */ }
    }

    static RunConfig Copy(string lr, long seed) => RunConfigBuilder.Build(new (string, string)[]
    {
        ("task", "copy"), ("model", "asrnn"), ("hidden_size", "8"), ("recall_length", "3"), ("delay_length", "5"), ("batch_size", "8"),
        ("iterations", "60"), ("log_every", "5"), ("rmsprop_lr", lr), ("rmsprop_constr_lr", "1e-3"), ("device", "cpu"),
        ("random_seed", seed.ToString(CultureInfo.InvariantCulture)),
    }.Select(v => new KeyValuePair<string, string>(v.Item1, v.Item2)));

    /// <summary>rmsprop_lr 1e-2 ran to its end; 1e-3 stopped early at 20 iterations (its runs paused there for real).</summary>
    ReportBuilder.Output Build()
    {
        var runs = new List<RunStatus>();
        var rows = new List<RungTableRow>();
        foreach (var (lr, stopped) in new[] { ("1e-2", false), ("1e-3", true) })
        {
            var ids = new List<string>();
            var values = new List<double>();
            foreach (var seed in new[] { 1L, 2L })
            {
                var config = Copy(lr, seed);
                var id = $"copy-{ConfigHash.Compute(config)[..8]}";
                var folder = Path.Combine(_results, "runs", id);
                var run = new TrainingRun(config, folder, new Quiet(), new TrainingRunOptions { PauseAt = new TrainingPoint(20, TrainingUnit.Iterations) });
                var paused = run.Run(CancellationToken.None);
                values.Add(paused.PausePoint!.Loss!.Value);
                if (!stopped) new TrainingRun(config, folder, new Quiet()).Run(CancellationToken.None);
                ids.Add(id);
                runs.Add(new RunStatus
                {
                    Id = id, Experiment = "copy", Task = "copy", Model = "asrnn", HiddenSize = 8, Seed = seed, Folder = Path.Combine("runs", id),
                    State = stopped ? RunState.StoppedEarly : RunState.Completed, Attempt = stopped ? 1 : 2,
                    Reason = stopped ? "ranked 2 of 2 at 20 iterations (loss 1.9); the best 1 went on" : null,
                });
            }
            rows.Add(new RungTableRow
            {
                Label = $"asrnn lr={lr}",
                Runs = ids, Values = [values.Average()], Promoted = stopped ? [] : [20], StoppedAt = stopped ? 20 : null,
                State = stopped ? "stopped early" : "completed",
            });
        }
        new SweepStatus
        {
            SweepFile = "experiments.yaml", Updated = DateTimeOffset.UtcNow, State = SweepState.Finished, Runs = runs,
            RungTables = [new RungTable { Experiment = "copy", Metric = "loss", Mode = "min", Reduction = 2, Seeds = "mean", Unit = "iterations", Rungs = [20], Configurations = rows }],
        }.Write(_results);
        return ReportBuilder.Build(_results, _out);
    }

    [Fact]
    public void The_rung_table_and_the_early_stopped_runs_are_in_the_summary_the_page_and_the_figure()
    {
        var output = Build();
        var experiment = Assert.Single(output.Experiments);
        Assert.NotNull(experiment.Rungs);
        var stopped = Assert.Single(experiment.Rows, r => r.StoppedEarly);
        Assert.Equal("2 stopped early (seed 1: at step 20; seed 2: at step 20)", stopped.StatesText());
        Assert.Null(stopped.Value);

        var markdown = File.ReadAllText(Path.Combine(_out, "summary.md"));
        Assert.Contains("Early stopping (ASHA): loss (min) of each configuration at each rung (iterations), the mean over its seeds; the best 1/2 of each rung went on", markdown);
        Assert.Contains("| configuration | 20 iterations | runs |", markdown);
        var rungs = experiment.Rungs!.Configurations;
        Assert.Contains($"| asrnn lr=1e-2 | {rungs[0].Values[0]!.Value.ToString("G4", CultureInfo.InvariantCulture)} ↑ | completed |", markdown);
        Assert.Contains($"| asrnn lr=1e-3 | {rungs[1].Values[0]!.Value.ToString("G4", CultureInfo.InvariantCulture)} × | stopped early |", markdown);

        var html = File.ReadAllText(Path.Combine(_out, "index.html"));
        Assert.Contains("Early stopping (ASHA)", html);
        Assert.Contains("<td>asrnn lr=1e-3</td>", html);
        System.Xml.Linq.XDocument.Parse(html[html.IndexOf("<html", StringComparison.Ordinal)..]);

        var svg = File.ReadAllText(Path.Combine(_out, experiment.PlotName + ".svg"));
        Assert.Contains("stopped early at step 20", svg);

        var csv = CsvTable.Read(Path.Combine(_out, "summary.csv"));
        Assert.Contains(csv, r => r["states"] == "2 stopped early (seed 1: at step 20; seed 2: at step 20)" && r["n"] == "0");
    }

    sealed class Quiet : ITrainingObserver { }
}
