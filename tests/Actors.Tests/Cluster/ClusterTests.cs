using System.Collections.Concurrent;
using AsRnnGrid.Actors.Cluster;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Tests.Sweep;
using Xunit.Abstractions;

namespace AsRnnGrid.Actors.Tests.Cluster;

/// <summary>
/// Several nodes in one test process (Akka.Hosting's own style): a seed with the supervisor and workers with
/// trainers, each its own ActorSystem on 127.0.0.1 with a free port, training through real child processes.
/// </summary>
public sealed class ClusterTests(ITestOutputHelper output)
{
    static WorkerHostOptions Worker(SweepHost seed, Action<string> log, bool leaveOnTerminate = true, string? token = null) => new()
    {
        Join = seed.Address,
        Security = new NodeSecurity.MutualTls(SweepCertificate.Read(seed.Sweep.Results)),
        Slots = [("cpu", 0)],
        Launcher = TrainLauncher.ForAssemblyIn(AppContext.BaseDirectory),
        LeaveOnTerminate = leaveOnTerminate,
        TokenOverride = token,
        StopGrace = TimeSpan.FromSeconds(20),
        OnEvent = log,
    };

    [Fact]
    public async Task A_lost_worker_s_runs_complete_on_the_other_worker_from_their_checkpoints()
    {
        var results = TestSweeps.TempResults();
        var sweep = TestSweeps.CopyGrid(results, ["asrnn", "exprnn", "lstm"], [1, 2], iterations: 200);
        var notices = new ConcurrentQueue<string>();
        var seedOptions = TestSweeps.Options(0, log: n => { notices.Enqueue(n); output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} seed: " + n); }) with
        {
            NoLocalTrainers = true,
            DownAfter = TimeSpan.FromSeconds(2),
        };
        await using var seed = SweepHost.Start(sweep, seedOptions);
        await using var keeper = WorkerHost.Start(Worker(seed, m => output.WriteLine("A: " + m)));
        var lost = WorkerHost.Start(Worker(seed, m => output.WriteLine("B: " + m), leaveOnTerminate: false));

        output.WriteLine($"seed {seed.Address}, keeper {Akka.Cluster.Cluster.Get(keeper.System).SelfAddress}, lost {Akka.Cluster.Cluster.Get(lost.System).SelfAddress}");
        // Wait until the doomed worker trains a run that has a checkpoint, then lose it.
        string? lostNode = null, movedRun = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (movedRun is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            var status = await seed.StatusAsync(TimeSpan.FromSeconds(5));
            var lostPort = Akka.Cluster.Cluster.Get(lost.System).SelfAddress.Port;
            var candidate = status.Runs.FirstOrDefault(r => r.State == RunState.Running && r.CheckpointStep > 0 && r.Node!.EndsWith($":{lostPort}"));
            if (candidate is not null) (lostNode, movedRun) = (candidate.Node, candidate.Id);
        }
        Assert.NotNull(movedRun);
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} losing {lostNode} while it trains {movedRun}");
        await lost.System.Terminate();

        var ended = await seed.Ended.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal((SweepEnd.Finished, 6, 0), (ended.State, ended.Completed, ended.Failed));
        var final = SweepStatus.Read(results)!;
        foreach (var run in final.Runs)
        {
            Assert.Single(run.Attempts, a => a.Outcome == "completed");
            Assert.Equal(0, run.Failures);
        }
        var moved = final.Runs.Single(r => r.Id == movedRun);
        var lostAttempt = moved.Attempts.Single(a => a.Node == lostNode && a.Outcome != "completed");
        Assert.Contains("lost", lostAttempt.Outcome);
        var resumed = moved.Attempts[^1];
        Assert.NotEqual(lostNode, resumed.Node);
        Assert.True(resumed.ResumedFrom > 0, $"resumed from {resumed.ResumedFrom}");
    }

    [Fact]
    public async Task A_worker_that_leaves_hands_its_run_back_from_a_checkpoint_without_spending_a_retry()
    {
        var results = TestSweeps.TempResults();
        var sweep = TestSweeps.CopyGrid(results, ["asrnn"], [1], iterations: 400);
        await using var seed = SweepHost.Start(sweep, TestSweeps.Options(0, log: output.WriteLine) with { NoLocalTrainers = true });
        var leaving = WorkerHost.Start(Worker(seed, output.WriteLine));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline && (await seed.StatusAsync(TimeSpan.FromSeconds(5))).Runs[0].CheckpointStep is not > 0)
            await Task.Delay(100);
        await leaving.LeaveAsync(TimeSpan.FromSeconds(28));
        await leaving.DisposeAsync();

        await using var next = WorkerHost.Start(Worker(seed, output.WriteLine));
        var ended = await seed.Ended.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal((SweepEnd.Finished, 1), (ended.State, ended.Completed));
        var run = SweepStatus.Read(results)!.Runs[0];
        Assert.Equal(0, run.Failures);
        Assert.Equal("interrupted: its node is leaving the cluster", run.Attempts[0].Outcome);
        Assert.True(run.Attempts[1].ResumedFrom > 0);
        Assert.NotEqual(run.Attempts[0].Node, run.Attempts[1].Node);
    }

    [Fact]
    public async Task A_worker_with_the_wrong_token_is_refused_with_a_message_on_both_sides()
    {
        var results = TestSweeps.TempResults();
        var sweep = TestSweeps.CopyGrid(results, ["asrnn"], [1]);
        var notices = new ConcurrentQueue<string>();
        await using var seed = SweepHost.Start(sweep, TestSweeps.Options(0, log: notices.Enqueue) with { NoLocalTrainers = true });
        await using var stray = WorkerHost.Start(Worker(seed, output.WriteLine, token: "not-the-token"));

        var reason = await stray.Refused.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("refused by the supervisor: wrong sweep token: this trainer belongs to another sweep or lacks the results folder's token", reason);
        Assert.Contains(notices, n => n.StartsWith("refused trainer cpu slot 0 of ", StringComparison.Ordinal) && n.EndsWith(": wrong sweep token"));
        var status = await seed.StatusAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(RunState.Pending, status.Runs.Single().State);
    }
}
