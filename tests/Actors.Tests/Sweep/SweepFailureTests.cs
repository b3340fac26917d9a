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
    public async Task A_run_that_fails_on_its_first_attempt_is_retried_and_completes_from_its_checkpoint()
    {
        var sweep = TestSweeps.CopyGrid(TestSweeps.TempResults(), ["asrnn"], [1, 2]);
        var faulty = sweep.Runs[0].Id;
        var (ended, status) = await RunSweep(sweep, 1, $"{faulty}@1:fail@30");

        Assert.Equal((SweepEnd.Finished, 2, 0, 1), (ended.State, ended.Completed, ended.Failed, ended.Retried));
        var run = status.Runs.Single(r => r.Id == faulty);
        Assert.Equal((RunState.Completed, 2, 1), (run.State, run.Attempt, run.Failures));
        Assert.StartsWith("failed: exit code 1: error: InjectedFaultException: injected fault at step 30", run.Attempts[0].Outcome);
        // checkpoint_every 20: the retry continued from step 20, not from scratch.
        Assert.Equal(20, run.Attempts[1].ResumedFrom);
        Assert.Equal("completed", run.Attempts[1].Outcome);
        Assert.Equal(60, run.Step);
        Assert.Single(status.Runs.Single(r => r.Id != faulty).Attempts);
    }

    [Fact]
    public async Task A_run_whose_loss_becomes_nan_is_marked_failed_after_its_retries_while_the_others_complete()
    {
        var sweep = TestSweeps.CopyGrid(TestSweeps.TempResults(), ["asrnn", "lstm"], [1, 2]) with { QuarantineAfter = 10 };
        var bad = sweep.Runs[1].Id;
        var (ended, status) = await RunSweep(sweep, 2, $"{bad}@*:nan@25");

        Assert.Equal((SweepEnd.Finished, 3, 1), (ended.State, ended.Completed, ended.Failed));
        var run = status.Runs.Single(r => r.Id == bad);
        Assert.Equal(RunState.Failed, run.State);
        Assert.Equal(sweep.MaxRetries + 1, run.Attempts.Count);
        Assert.Equal(sweep.MaxRetries + 1, run.Failures);
        Assert.Contains("NaN at step 26", run.Reason);
        Assert.All(status.Runs.Where(r => r.Id != bad), r => Assert.Equal((RunState.Completed, 1), (r.State, r.Attempts.Count)));
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
    public async Task A_device_on_which_different_runs_keep_failing_is_quarantined_and_the_sweep_stalls()
    {
        var sweep = TestSweeps.CopyGrid(TestSweeps.TempResults(), ["asrnn"], [1, 2, 3]) with { QuarantineAfter = 2, MaxRetries = 5 };
        var (ended, status) = await RunSweep(sweep, 1, "copy@*:fail@5");

        Assert.Equal(SweepEnd.Stalled, ended.State);
        Assert.Equal(0, ended.Completed);
        var device = Assert.Single(status.Devices);
        Assert.Equal(DeviceState.Quarantined, device.State);
        // Two different runs failed once each; then the device was out of service and nothing else started.
        Assert.Equal(2, status.Runs.Sum(r => r.Attempts.Count));
        Assert.Equal(2, status.Runs.Count(r => r.Failures == 1));
    }
}
