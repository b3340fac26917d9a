using System.Diagnostics;
using System.Text.Json;
using AsRnnGrid.Actors.Sweep;
using Xunit.Abstractions;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>`asrnn-grid run` and `status` as real processes.</summary>
public sealed class RunCommandTests(ITestOutputHelper output)
{
    const string SixRuns = """
        results: results
        max_retries: 2
        retry_backoff: 1
        cpu_slots: 2
        defaults:
          task: copy
          hidden_size: 8
          batch_size: 16
          recall_length: 3
          delay_length: 5
          iterations: 400
          log_every: 20
          checkpoint_every: 50
        experiments:
          - name: copy
            grid:
              model: [asrnn, exprnn, lstm]
            seeds: [1, 2]
        """;


    [Fact]
    public async Task A_run_killed_with_sigkill_mid_sweep_and_started_again_completes_every_run_exactly_once()
    {
        // Runs long enough that the one seen running with a checkpoint is still running when the kill lands: the status
        // file lags by up to a second or so, and a 400-iteration run can end within that.
        var (file, results) = TestSweeps.WriteSweepFile(SixRuns.Replace("iterations: 400", "iterations: 2000"));

        // First session: killed once a run has completed and another has a checkpoint.
        SweepStatus? atKill = null;
        using (var first = CliProcess.Start("run", file))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                var status = TestSweeps.TryReadStatus(results);
                if (status is not null && status.Runs.Any(r => r.State == RunState.Completed)
                    && status.Runs.Any(r => r.State == RunState.Running && r.CheckpointStep > 0))
                {
                    atKill = status;
                    break;
                }
            }
            Assert.NotNull(atKill);
            first.Kill(entireProcessTree: false);
            first.WaitForExit();
        }
        var completedBefore = atKill!.Runs.Where(r => r.State == RunState.Completed).Select(r => r.Id).ToHashSet();
        output.WriteLine($"killed with {completedBefore.Count} completed");

        // Second session: the same command.
        var (exit, stdout, stderr) = CliProcess.Run("run", file);
        output.WriteLine(stdout);
        Assert.True(exit == 0, stderr);

        var final = SweepStatus.Read(results)!;
        Assert.Equal(SweepState.Finished, final.State);
        Assert.Equal(6, final.Runs.Count);
        foreach (var run in final.Runs)
        {
            Assert.Equal(RunState.Completed, run.State);
            // Completed exactly once, by its last attempt: nothing started it again.
            Assert.Single(run.Attempts, a => a.Outcome == "completed");
            Assert.Equal("completed", run.Attempts[^1].Outcome);
            if (completedBefore.Contains(run.Id)) Assert.Single(run.Attempts);
            AssertCleanMetrics(Path.Combine(results, run.Folder, "metrics.jsonl"), 2000, 20);
        }
        // The run interrupted by the kill resumed from a checkpoint, and the ledger says so.
        Assert.Contains(final.Runs, r => r.Attempts.Count == 2 && r.Attempts[1].ResumedFrom > 0
            && r.Attempts[0].Outcome!.StartsWith("interrupted", StringComparison.Ordinal));
        Assert.Contains("ledger: 6 runs", stdout);
    }

    [Fact]
    public async Task Sigterm_stops_the_sweep_at_checkpoints_within_30_seconds_and_run_again_finishes_it()
    {
        // Long enough runs that a signal finds one mid-way: on an idle machine 400 iterations end between two status ticks.
        var (file, results) = TestSweeps.WriteSweepFile(SixRuns.Replace("iterations: 400", "iterations: 3000"));
        using (var sweep = CliProcess.Start("run", file))
        {
            var stdout = sweep.StandardOutput.ReadToEndAsync();
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (DateTime.UtcNow < deadline && TestSweeps.TryReadStatus(results)?.Runs.Any(r => r.State == RunState.Running && r.CheckpointStep > 0) != true)
                await Task.Delay(100);
            using (var kill = Process.Start("kill", ["-TERM", sweep.Id.ToString()])) kill.WaitForExit();
            var clock = Stopwatch.StartNew();
            Assert.True(sweep.WaitForExit(TimeSpan.FromSeconds(30)), "still running 30 s after SIGTERM");
            output.WriteLine($"stopped in {clock.Elapsed.TotalSeconds:0.0} s");
            output.WriteLine(await stdout);
            Assert.Equal(3, sweep.ExitCode);
        }
        var stopped = SweepStatus.Read(results)!;
        Assert.Equal(SweepState.Stopped, stopped.State);
        Assert.DoesNotContain(stopped.Runs, r => r.State == RunState.Running);
        var interrupted = stopped.Runs.Where(r => r.Attempts.Count > 0 && r.State != RunState.Completed).ToArray();
        Assert.NotEmpty(interrupted);
        Assert.All(interrupted, r => Assert.Equal((RunState.Pending, 0), (r.State, r.Failures)));

        var (exit, again, err) = CliProcess.Run("run", file);
        Assert.True(exit == 0, err);
        var final = SweepStatus.Read(results)!;
        Assert.All(final.Runs, r => Assert.Equal((RunState.Completed, 0), (r.State, r.Failures)));
        // The stopped runs that had trained went on from the checkpoints written when they were asked to stop (a run
        // handed out just before the signal may stop before its first step, with nothing to resume from).
        long ResumedFrom(RunStatus r) => final.Runs.Single(f => f.Id == r.Id).Attempts[^1].ResumedFrom ?? 0;
        Assert.All(interrupted.Where(r => r.Step > 0), r => Assert.True(ResumedFrom(r) >= Math.Max(r.Step, r.CheckpointStep ?? 0),
            $"{r.Id} stopped at step {r.Step} (checkpoint {r.CheckpointStep}) and resumed from {ResumedFrom(r)}"));
        Assert.Contains(interrupted, r => ResumedFrom(r) > 0);
    }

    /// <summary>One log point per log_every steps, in order, none repeated or missing.</summary>
    static void AssertCleanMetrics(string path, int iterations, int logEvery)
    {
        var steps = File.ReadLines(path).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt64()).ToArray();
        Assert.Equal(Enumerable.Range(1, iterations / logEvery).Select(i => (long)(i * logEvery)), steps);
    }


    [Fact]
    public void Status_shows_a_finished_sweep_and_says_when_there_is_none()
    {
        var (file, results) = TestSweeps.WriteSweepFile(SixRuns.Replace("iterations: 400", "iterations: 20").Replace("seeds: [1, 2]", "seeds: [1]"));
        var (exit, stdout, stderr) = CliProcess.Run("run", file);
        Assert.True(exit == 0, stderr);
        Assert.Contains("sweep finished: 3 completed, 0 failed, 0 retried, 0 not done", stdout);

        var (statusExit, table, _) = CliProcess.Run("status", "--results", results);
        Assert.Equal(0, statusExit);
        var status = SweepStatus.Read(results)!;
        // One seed: each run is named by its model, its id beside it.
        Assert.Equal(["asrnn", "exprnn", "lstm"], status.Runs.Select(r => r.Label));
        foreach (var run in status.Runs) Assert.Contains($"| {run.Label,-6} | {run.Id}", table);
        Assert.Contains("runs: completed 3  running 0  pending 0  failed 0", table);
        Assert.Contains("60 / 60 iterations", table);
        Assert.Contains("sweep finished: 3 completed", table);
        Assert.Equal((3, 60L, 60L, 0.0), (status.Progress!.Count(RunState.Completed), status.Progress.IterationsDone, status.Progress.IterationsPlanned, status.Progress.SecondsLeft));

        var (jsonExit, json, _) = CliProcess.Run("status", "--results", results, "--json");
        Assert.Equal(0, jsonExit);
        var parsed = JsonSerializer.Deserialize<SweepStatus>(json, SweepStatus.Json)!;
        Assert.Equal(status.Runs.Select(r => (r.Id, r.State, r.Step, r.Label)), parsed.Runs.Select(r => (r.Id, r.State, r.Step, r.Label)));

        // Filters: by experiment and by state (typed: an unknown state or experiment is one error line).
        var (_, completed, _) = CliProcess.Run("status", "--results", results, "--experiment", "copy", "--state", "completed");
        Assert.All(status.Runs, r => Assert.Contains(r.Id, completed));
        var (_, failed, _) = CliProcess.Run("status", "--results", results, "--state", "failed", "--json");
        Assert.Empty(JsonSerializer.Deserialize<SweepStatus>(failed, SweepStatus.Json)!.Runs);
        var (stateExit, _, stateErr) = CliProcess.Run("status", "--results", results, "--state", "done");
        Assert.Equal((2, "error: --state: 'done' is not one of pending, retrying, running, completed, failed, paused, stopped early"), (stateExit, stateErr.Trim()));
        var (experimentExit, _, experimentErr) = CliProcess.Run("status", "--results", results, "--experiment", "cpoy");
        Assert.Equal((2, $"error: --experiment: {SweepStatus.PathIn(results)} holds no experiment 'cpoy' (its experiments: copy)"), (experimentExit, experimentErr.Trim()));

        // Each run's TensorBoard events, by experiment and label, hold its metrics.jsonl.
        foreach (var run in status.Runs)
            TensorBoardFiles.AssertMirrors(Path.Combine(results, "tensorboard", "copy", run.Label!), Path.Combine(results, run.Folder, "metrics.jsonl"));

        var missing = Path.Combine(results, "nothing-here");
        var (badExit, _, err) = CliProcess.Run("status", "--results", missing);
        Assert.Equal(2, badExit);
        Assert.Equal($"error: {missing}: no such results folder", err.Trim());
    }

    [Fact]
    public void A_second_run_on_the_same_results_folder_is_refused()
    {
        var (file, results) = TestSweeps.WriteSweepFile(SixRuns);
        using var first = CliProcess.Start("run", file);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!File.Exists(SweepStatus.PathIn(results)) && DateTime.UtcNow < deadline) Thread.Sleep(100);
            var (exit, _, err) = CliProcess.Run("run", file);
            Assert.Equal(2, exit);
            Assert.Equal($"error: {results}: another `asrnn-grid run` is using this results folder", err.Trim());
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            first.WaitForExit();
        }
    }
}
