using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Book;
using static AsRnnGrid.Actors.Sweep.Book.LiveEvents;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Tests.Sweep.Book;

/// <summary>Who gets which run: waiting trainers, in sweep-file order, each run once; the sweep's normal end.</summary>
public sealed class DispatchTests
{
    [Fact]
    public void Waiting_trainers_get_the_pending_runs_in_sweep_file_order_each_once()
    {
        var h = new BookHarness(runs: 3);
        var first = h.Ready(1);
        var started = Assert.Single(first.OfType<RunStarted>());
        Assert.Equal((h.Id(0), 1, "gpu-a:4053", "cuda:0 slot 0"), (started.RunId, started.Attempt, started.Node, started.Device));
        Assert.Equal(new RunHandedOut(h.Id(0), 1, new TrainerId(1), h.Now), Assert.Single(first.OfType<RunHandedOut>()));
        h.Ready(2, slot: 1);
        h.Ready(3, device: "cuda:1");
        h.Ready(4, device: "cuda:1", slot: 1);
        Assert.Equal([0, 1, 2, -1], new[] { 1, 2, 3, 4 }.Select(h.Holds));
        Assert.Equal(3, h.Book.Count(RunState.Running));
        Assert.Equal(0, h.Book.Count(RunState.Pending));
    }

    [Fact]
    public void Nothing_is_handed_out_before_the_ledger_is_recovered()
    {
        var h = new BookHarness(recover: false);
        Assert.DoesNotContain(h.Ready(1), e => e is RunStarted);
        var recovered = h.Handle(new BookCommands.Recover());
        Assert.Equal(3, recovered.OfType<RunPlanned>().Count());
        // The trainer that waited gets the first run as soon as the planning is journalled.
        Assert.Equal(h.Id(0), Assert.Single(recovered.OfType<RunStarted>()).RunId);
    }

    [Fact]
    public void A_completed_run_frees_its_trainer_which_asks_again_and_takes_the_next()
    {
        var h = new BookHarness(runs: 2);
        h.Ready(1);
        h.Progress(1, 0, 30);
        var completed = h.Ends(1, 0, RunEndOutcome.Completed);
        Assert.Equal(new RunSummary(60, 0.5, null, null, 1.5), Assert.Single(completed.OfType<RunCompleted>()).Summary);
        Assert.Equal(-1, h.Holds(1));
        Assert.Equal(1, Assert.Single(h.Ready(1).OfType<RunStarted>()).Attempt);
        Assert.Equal(1, h.Holds(1));
    }

    [Fact]
    public void The_sweep_finishes_when_every_run_has_completed_or_failed_and_says_how_many()
    {
        var h = new BookHarness(runs: 2, BookHarness.Policy with { MaxRetries = 0 });
        h.Ready(1);
        h.Ready(2, slot: 1);
        h.Ends(1, 0, RunEndOutcome.Completed);
        Assert.Null(h.Book.Ended);
        var last = h.Ends(2, 1, RunEndOutcome.Failed, "loss became NaN at step 26");
        Assert.Equal(new SweepControl.SweepEnded(SweepEnd.Finished, 1, 1, 0, 0), Assert.Single(last.OfType<SweepControl.SweepEnded>()));
        Assert.Equal(SweepState.Finished, StatusSnapshot.Of(h.Book, "x.yaml", DateTimeOffset.UnixEpoch).State);
        // Nothing more is handed out once it has ended.
        Assert.DoesNotContain(h.Ready(3, slot: 2), e => e is RunStarted or SweepControl.SweepEnded);
    }

    [Fact]
    public void Progress_reports_update_the_status_without_touching_the_ledger()
    {
        var h = new BookHarness(runs: 1);
        h.Ready(1);
        int journalled = h.Journal.Count;
        var events = h.Progress(1, 0, 40);
        Assert.All(events, e => Assert.IsNotAssignableFrom<ILedgerEvent>(e));
        Assert.Equal(journalled, h.Journal.Count);
        var run = StatusSnapshot.Of(h.Book, "x.yaml", DateTimeOffset.UnixEpoch).Runs.Single();
        Assert.Equal((RunState.Running, 40L, 60L, 0.75, 10.0), (run.State, run.Step, run.TotalSteps, run.Loss, run.IterationsPerSecond));
        // A checkpoint is journalled: a restarted supervisor resumes the run from it.
        var checkpointed = h.Handle(new BookCommands.FromTrainer(new TrainerId(1), new SweepProtocol.RunCheckpointed(h.Id(0), 1, 40)));
        Assert.Equal(new LedgerEvents.RunCheckpointed(h.Id(0), 1, 40), Assert.Single(checkpointed.OfType<ILedgerEvent>()));
        Assert.Equal(40, h.Restarted().Run(0).CheckpointStep);
    }
}
