using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using Xunit.Abstractions;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>
/// Early stopping through `asrnn-grid run` as real processes: a supervisor killed with SIGKILL between rungs and started
/// again makes the decisions an uninterrupted sweep makes (the same rung results, to the bit, the same promotions and
/// stops); `run --no-early-stop` then sends the stopped runs on from their rungs, and every run's metrics.jsonl is the
/// uninterrupted run's.
/// </summary>
public sealed class AshaSweepTests(ITestOutputHelper output)
{
    // One slot: the order of the results, and so every decision, is the same in every session.
    const string Sweep = """
        results: results
        cpu_slots: 1
        max_retries: 1
        retry_backoff: 1
        defaults:
          task: copy
          model: asrnn
          hidden_size: 8
          batch_size: 16
          recall_length: 3
          delay_length: 5
          iterations: 160
          log_every: 10
          checkpoint_every: 1000
        experiments:
          - name: asha
            grid:
              rmsprop_lr: [0.001, 0.003, 0.01]
            seeds: [1]
            scheduler: { type: asha, rung: 40 iterations, reduction: 2 }
        """;

    static async Task<List<string>> Decisions(string results) => (await LedgerReplay.EventsOf(Path.Combine(results, "ledger.db"))).Select(e => e switch
    {
        RungReached r => $"{r.RunId} reached {r.Rung} at step {r.Step}: {r.Metric.Text()} {r.Value:R}",
        RunPromoted p => $"{p.RunId} promoted from {p.Rung}: {p.Reason}",
        RunStoppedEarly s => $"{s.RunId} stopped at {s.Rung}: {s.Reason}",
        RunCompleted c => $"{c.RunId} completed: {c.Summary.FinalLoss:R}",
        _ => null,
    }).OfType<string>().ToList();

    /// <summary>`asrnn-grid ARGS` to its end: an early-stopping sweep starts a process per rung, which on a loaded machine takes a while.</summary>
    static (int Exit, string Out, string Err) Run(params string[] args) => CliProcess.RunWithin(TimeSpan.FromMinutes(6), null, null, args);

    [Fact]
    public async Task A_supervisor_killed_between_rungs_decides_as_one_never_killed_and_no_early_stop_finishes_every_run_exactly()
    {
        var (file, results) = TestSweeps.WriteSweepFile(Sweep);
        var (exit, stdout, stderr) = Run("run", file);
        output.WriteLine(stdout);
        Assert.True(exit == 0, stderr);
        var status = SweepStatus.Read(results)!;
        Assert.Equal(SweepState.Finished, status.State);
        Assert.Contains(status.Runs, r => r.State == RunState.StoppedEarly);
        Assert.Contains(status.Runs, r => r.State == RunState.Completed);
        Assert.Contains("sweep finished: 1 completed, 0 failed, 2 stopped early, 0 retried, 0 not done", stdout);
        var expected = await Decisions(results);
        Assert.Contains(expected, d => d.Contains(" promoted from 40", StringComparison.Ordinal));

        // The same sweep in another folder, its supervisor killed once a run has gone on from a rung.
        var (killedFile, killedResults) = TestSweeps.WriteSweepFile(Sweep);
        using (var first = CliProcess.Start("run", killedFile))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (DateTime.UtcNow < deadline && TestSweeps.TryReadStatus(killedResults)?.RungTables?.Single().Configurations.Any(c => c.Promoted.Count > 0) != true)
                await Task.Delay(50);
            first.Kill(entireProcessTree: false);
            first.WaitForExit();
        }
        var atKill = TestSweeps.TryReadStatus(killedResults);
        output.WriteLine($"killed with {atKill?.Runs.Sum(r => r.Rungs?.Count ?? 0)} rung results");
        var (again, againOut, againErr) = Run("run", killedFile);
        output.WriteLine(againOut);
        Assert.True(again == 0, againErr);
        Assert.Equal(expected, await Decisions(killedResults));
        Assert.Equal(SweepState.Finished, SweepStatus.Read(killedResults)!.State);

        var (statusExit, table, _) = CliProcess.Run("status", "--results", results);
        Assert.Equal(0, statusExit);
        output.WriteLine(table);
        Assert.Contains("asha: loss (min) at each rung, iterations", table);
        Assert.Contains("| asrnn lr=0.001 ", table);
        Assert.Contains(" ↑ ", table);
        Assert.Contains(" × ", table);

        // No early stop: the runs stopped at a rung go on from there to their end, each logging what it would have without pausing.
        var (onExit, onOut, onErr) = Run("run", file, "--no-early-stop");
        output.WriteLine(onOut);
        Assert.True(onExit == 0, onErr);
        var final = SweepStatus.Read(results)!;
        Assert.All(final.Runs, r => Assert.Equal(RunState.Completed, r.State));
        foreach (var run in final.Runs)
        {
            var folder = Path.Combine(results, run.Folder);
            var config = RunYaml.Read(Path.Combine(folder, RunYaml.FileName));
            var straight = Directory.CreateTempSubdirectory("asrnn-asha-straight-").FullName;
            Assert.Equal("completed", new TrainingRun(config with { Device = "cpu" }, straight, new Quiet()).Run(CancellationToken.None).Status);
            Assert.Equal(MetricsLines.WithoutTime(Path.Combine(straight, "metrics.jsonl")), MetricsLines.WithoutTime(Path.Combine(folder, "metrics.jsonl")));
            // Paused at a rung at least once: its first attempt ended so.
            Assert.Equal("paused: at 40 iterations", run.Attempts[0].Outcome);
        }
    }

    sealed class Quiet : ITrainingObserver { }
}
