using AsRnnGrid.Actors.Sweep;
using Xunit.Abstractions;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>Failed attempts, retries from checkpoints, giving up, silence and quarantine, with real train processes.</summary>
public sealed class SweepFailureTests(ITestOutputHelper output)
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    async Task<(SweepControl.SweepEnded Ended, SweepStatus Status)> RunSweep(AsRnnGrid.Actors.Grid.SweepDefinition sweep, int slots, string faults)
    {
        await using var host = SweepHost.Start(sweep, TestSweeps.Options(slots, FaultPlan.Parse(faults), output.WriteLine));
        var ended = await host.Ended.WaitAsync(Limit);
        return (ended, SweepStatus.Read(sweep.Results)!);
    }

    [Fact]
    public async Task Failed_attempts_are_retried_from_their_checkpoints_and_a_run_out_of_retries_fails_while_the_others_complete()
    {
        var sweep = TestSweeps.CopyGrid(TestSweeps.TempResults(), ["asrnn", "lstm"], [1, 2]) with { QuarantineAfter = 10 };
        var flaky = sweep.Runs[0].Id;
        var bad = sweep.Runs[1].Id;
        var (ended, status) = await RunSweep(sweep, 2, $"{flaky}@1:fail@30;{bad}@*:nan@25");

        Assert.Equal((SweepEnd.Finished, 3, 1, 2), (ended.State, ended.Completed, ended.Failed, ended.Retried));
        var run = status.Runs.Single(r => r.Id == flaky);
        Assert.Equal((RunState.Completed, 2, 1), (run.State, run.Attempt, run.Failures));
        Assert.StartsWith("failed: exit code 1: error: InjectedFaultException: injected fault at step 30", run.Attempts[0].Outcome);
        // checkpoint_every 20: the retry continued from step 20, not from scratch.
        Assert.Equal(20, run.Attempts[1].ResumedFrom);
        Assert.Equal("completed", run.Attempts[1].Outcome);
        Assert.Equal(60, run.Step);

        var failed = status.Runs.Single(r => r.Id == bad);
        Assert.Equal((RunState.Failed, sweep.MaxRetries + 1, sweep.MaxRetries + 1), (failed.State, failed.Attempts.Count, failed.Failures));
        Assert.Contains("NaN at step 26", failed.Reason);
        Assert.All(status.Runs.Where(r => r.Id != bad && r.Id != flaky), r => Assert.Equal((RunState.Completed, 1), (r.State, r.Attempts.Count)));
    }

    [Fact]
    public async Task A_child_that_dies_of_cuda_out_of_memory_is_retried_from_its_checkpoint_without_spending_the_budget()
    {
        // max_retries 0 and quarantine_after 1: had the attempt counted as a failure, the run would have given up and the
        // device been quarantined at once.
        var notices = new List<string>();
        var sweep = TestSweeps.CopyGrid(TestSweeps.TempResults(), ["asrnn"], [1]) with { MaxRetries = 0, QuarantineAfter = 1 };
        var options = TestSweeps.Options(1, FaultPlan.Parse($"{sweep.Runs[0].Id}@1:oom@30"), output.WriteLine) is var o
            ? o with { OnNotice = n => { lock (notices) notices.Add(n.Text); output.WriteLine(n.Text); } } : null;
        SweepControl.SweepEnded ended;
        await using (var host = SweepHost.Start(sweep, options!)) ended = await host.Ended.WaitAsync(Limit);
        var status = SweepStatus.Read(sweep.Results)!;

        Assert.Equal((SweepEnd.Finished, 1, 0), (ended.State, ended.Completed, ended.Failed));
        var run = status.Runs.Single();
        Assert.Equal((RunState.Completed, 2, 0), (run.State, run.Attempt, run.Failures));
        // The child's own error line: libtorch's message as TorchSharp raises it, which `train` prints.
        Assert.StartsWith("out-of-memory: exit code 1: error: ExternalException: CUDA out of memory. Tried to allocate 2.00 GiB.", run.Attempts[0].Outcome);
        Assert.Equal(20, run.Attempts[1].ResumedFrom);
        Assert.Equal("completed", run.Attempts[1].Outcome);
        Assert.Contains(notices, n => n.StartsWith($"{run.Id} attempt 1 ran out of GPU memory: ", StringComparison.Ordinal) && n.EndsWith("(not counted against max_retries)", StringComparison.Ordinal));
        Assert.DoesNotContain(notices, n => n.Contains("taken out of service", StringComparison.Ordinal));
        Assert.All(status.Devices, d => Assert.Equal((DeviceState.Idle, 0), (d.State, d.ConsecutiveFailures)));
    }

    [Fact]
    public async Task A_silent_run_is_killed_after_the_heartbeat_timeout_and_retried()
    {
        var sweep = TestSweeps.CopyGrid(TestSweeps.TempResults(), ["asrnn"], [1]) with { HeartbeatTimeoutSeconds = 8 };
        var (ended, status) = await RunSweep(sweep, 1, $"{sweep.Runs[0].Id}@1:hang@45");

        Assert.Equal((SweepEnd.Finished, 1), (ended.State, ended.Completed));
        var run = status.Runs[0];
        Assert.Contains("no progress for 8 s", run.Attempts[0].Outcome);
        Assert.Equal(40, run.Attempts[1].ResumedFrom);
        Assert.Equal((RunState.Completed, 1), (run.State, run.Failures));
    }

    [Fact]
    public void A_quarantined_device_stays_out_of_service_when_run_starts_again_until_clear_quarantine()
    {
        var (file, results) = TestSweeps.WriteSweepFile("""
            results: results
            quarantine_after: 2
            max_retries: 5
            retry_backoff: 0.2
            cpu_slots: 1
            defaults: { task: copy, hidden_size: 8, batch_size: 8, recall_length: 3, delay_length: 5, iterations: 20, log_every: 5 }
            experiments:
              - { name: copy, seeds: [1, 2, 3] }
            """);
        var faults = new Dictionary<string, string?> { [FaultPlan.EnvironmentVariable] = "copy@*:fail@5" };
        var none = new Dictionary<string, string?> { [FaultPlan.EnvironmentVariable] = null };

        // Two different runs fail on the CPU: it is quarantined and the sweep stalls.
        var (exit, stdout, stderr) = CliProcess.RunWith(faults, "run", file);
        output.WriteLine(stdout);
        Assert.True(exit == 5, stderr);
        Assert.Contains("device cpu of ", stdout);
        Assert.Equal(2, SweepStatus.Read(results)!.Runs.Sum(r => r.Attempts.Count));

        // Without faults, started again: the ledger still has the CPU out of service; nothing starts.
        (exit, stdout, stderr) = CliProcess.RunWith(none, "run", file);
        output.WriteLine(stdout);
        Assert.True(exit == 5, stderr);
        Assert.Contains($"ledger: 3 runs, 0 completed, 2 to resume, 0 failed; quarantined: cpu of {Environment.MachineName} (run --clear-quarantine puts them back)", stdout);
        Assert.Contains("(`run --clear-quarantine` puts quarantined devices back in service)", stdout);
        Assert.Equal(2, SweepStatus.Read(results)!.Runs.Sum(r => r.Attempts.Count));

        // --clear-quarantine: back in service; every run completes, the two that failed from where they were.
        (exit, stdout, stderr) = CliProcess.RunWith(none, "run", file, "--clear-quarantine");
        output.WriteLine(stdout);
        Assert.True(exit == 0, stderr);
        Assert.Contains($"device cpu of {Environment.MachineName} back in service (run --clear-quarantine)", stdout);
        var final = SweepStatus.Read(results)!;
        Assert.All(final.Runs, r => Assert.Equal(RunState.Completed, r.State));
        Assert.Equal(2, final.Runs.Count(r => r.Failures == 1));
    }

    [Fact]
    public void A_ledger_this_version_cannot_read_ends_run_with_one_error_line_and_changes_nothing()
    {
        var (file, results) = TestSweeps.WriteSweepFile("""
            results: results
            defaults: { task: copy, hidden_size: 8, iterations: 20 }
            experiments:
              - { name: copy, seeds: [1] }
            """);
        // The fixture ledger with its first event as a later asrnn-grid would write it.
        var ledger = Path.Combine(Path.GetDirectoryName(file)!, "ledger.db");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Sweep", "Fixtures", "ledger-v1", "ledger.db"), ledger);
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={ledger};Pooling=False"))
        {
            db.Open();
            using var update = db.CreateCommand();
            update.CommandText = "UPDATE journal SET manifest = 'ledger-v9/RunPlanned' WHERE sequence_number = 1";
            Assert.Equal(1, update.ExecuteNonQuery());
        }
        var before = File.ReadAllBytes(ledger);

        var (exit, _, stderr) = CliProcess.Run("run", file, "--ledger", ledger);
        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("error: the ledger cannot be read: ledger event 'ledger-v9/RunPlanned' of version 9: this asrnn-grid reads ledger versions 1 to 4 (a newer asrnn-grid wrote this ledger; use it)", line);
        Assert.Equal(before, File.ReadAllBytes(ledger));
        Assert.False(File.Exists(SweepStatus.PathIn(results)));
    }

    [Fact]
    public void Rebuild_ledger_keeps_the_damaged_ledger_aside_and_rebuilds_it_from_the_run_folders_without_training_completed_runs_again()
    {
        var (file, results) = TestSweeps.WriteSweepFile("""
            results: results
            defaults: { task: copy, hidden_size: 8, batch_size: 8, recall_length: 3, delay_length: 5, iterations: 20, log_every: 5, checkpoint_every: 5 }
            experiments:
              - { name: copy, seeds: [1, 2, 3] }
            """);
        var (exit, _, stderr) = CliProcess.Run("run", file);
        Assert.True(exit == 0, stderr);
        var runs = SweepStatus.Read(results)!.Runs.Select(r => Path.Combine(results, r.Folder)).ToArray();
        // The third run as a crash leaves it: checkpoints, no result.json.
        File.Delete(Path.Combine(runs[2], "result.json"));
        var finished = runs[..2].SelectMany(r => Directory.GetFiles(r, "*", SearchOption.AllDirectories)).ToDictionary(f => f, File.ReadAllBytes);
        var ledger = Path.Combine(results, "ledger.db");
        using (var stream = new FileStream(ledger, FileMode.Open)) stream.SetLength(stream.Length / 2);
        var damaged = File.ReadAllBytes(ledger);

        (exit, _, stderr) = CliProcess.Run("run", file);
        Assert.Equal(2, exit);
        Assert.Contains("run the same command with --rebuild-ledger", stderr);

        (exit, var stdout, stderr) = CliProcess.Run("run", file, "--rebuild-ledger");
        output.WriteLine(stdout);
        Assert.True(exit == 0, stderr);
        var aside = Assert.Single(Directory.GetFiles(results, "ledger.db.corrupt-*"));
        Assert.Contains($"ledger {ledger} rebuilt from the run folders: 2 completed, 1 to resume from a checkpoint, 0 failed, 0 not started; the old file is kept as {aside}", stdout);
        Assert.Equal(damaged, File.ReadAllBytes(aside));
        Assert.All(finished, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
        var status = SweepStatus.Read(results)!;
        Assert.All(status.Runs, r => Assert.Equal(RunState.Completed, r.State));
        Assert.All(status.Runs.Take(2), r => Assert.Empty(r.Attempts));
        Assert.Equal(20, Assert.Single(status.Runs[2].Attempts).ResumedFrom);

        (exit, stdout, stderr) = CliProcess.Run("run", file);
        Assert.True(exit == 0, stderr);
        Assert.Contains("ledger: 3 runs, 3 completed, 0 to resume, 0 failed", stdout);
    }
}
