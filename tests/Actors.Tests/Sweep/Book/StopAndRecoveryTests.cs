using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Book;
using static AsRnnGrid.Actors.Sweep.Book.BookCommands;
using static AsRnnGrid.Actors.Sweep.Book.LiveEvents;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Tests.Sweep.Book;

/// <summary>Stopping and draining a sweep; what a restarted supervisor makes of its journal.</summary>
public sealed class StopAndRecoveryTests
{
    [Fact]
    public void A_stop_asks_every_running_attempt_to_stop_hands_out_nothing_more_and_ends_when_the_last_has_stopped()
    {
        var h = new BookHarness(runs: 4);
        h.Ready(1);
        h.Ready(2, slot: 1);
        var stop = h.Handle(new Stop("asked to stop by a signal"));
        Assert.Equal([new StopAsked(new TrainerId(1), h.Id(0), 1, "the sweep is stopping"), new StopAsked(new TrainerId(2), h.Id(1), 1, "the sweep is stopping")],
            stop.OfType<StopAsked>());
        Assert.Equal("stopping: asked to stop by a signal; every run checkpoints", SweepNotices.For(stop[0], h.Book));
        Assert.Empty(h.Handle(new Stop("again")));
        Assert.DoesNotContain(h.Ready(3, slot: 2), e => e is RunStarted);

        h.Ends(1, 0, RunEndOutcome.Stopped, "the sweep is stopping");
        Assert.Null(h.Book.Ended);
        var last = h.Ends(2, 1, RunEndOutcome.Stopped, "the sweep is stopping");
        Assert.Equal(new SweepControl.SweepEnded(SweepEnd.Stopped, 0, 0, 0, 4), last.OfType<SweepControl.SweepEnded>().Single());
        Assert.All(h.Book.Plan, r => Assert.Equal((RunState.Pending, 0), (r.State, r.Failures)));
    }

    [Fact]
    public void A_draining_node_hands_its_runs_back_and_they_resume_elsewhere_as_the_next_attempt()
    {
        var h = new BookHarness(runs: 2);
        h.Ready(1, node: "gpu-b:4054");
        h.Ready(2, node: "gpu-b:4054", slot: 1);
        h.Ends(1, 0, RunEndOutcome.Stopped, "its node is leaving the cluster");
        h.Ends(2, 1, RunEndOutcome.Stopped, "its node is leaving the cluster");
        h.Lost(1);
        h.Lost(2);
        var elsewhere = h.Ready(3, node: "gpu-c:4055");
        Assert.Equal((h.Id(0), 2, "gpu-c:4055"), elsewhere.OfType<RunStarted>().Select(s => (s.RunId, s.Attempt, s.Node)).Single());
        Assert.Equal("interrupted: its node is leaving the cluster", h.Run(0).Attempts[0].OutcomeText);
        Assert.Null(h.Book.Ended);
    }

    [Fact]
    public void Recovery_plans_the_new_runs_once_and_ends_attempts_left_running_as_interrupted_not_failed()
    {
        var h = new BookHarness(runs: 2, BookHarness.Policy with { MaxRetries = 0 });
        Assert.Equal(h.Plan.Select(p => p.Id), h.Journal.OfType<RunPlanned>().Select(p => p.RunId));
        h.Ready(1);
        h.Handle(new FromTrainer(new TrainerId(1), new SweepProtocol.RunCheckpointed(h.Id(0), 1, 40)));

        // The supervisor dies with run 0 in flight.
        var restarted = h.Restarted();
        var ended = restarted.Journal.OfType<AttemptEnded>().Single();
        Assert.Equal(new AttemptEnded(h.Id(0), 1, AttemptOutcome.Interrupted, "the supervisor stopped", "gpu-a:4053", "cuda:0 slot 0"), ended);
        Assert.Equal("interrupted: the supervisor stopped", restarted.Run(0).Attempts[0].OutcomeText);
        Assert.Empty(restarted.Journal.Skip(h.Journal.Count).OfType<RunPlanned>());
        Assert.Equal((RunState.Pending, 0, 40L), (restarted.Run(0).State, restarted.Run(0).Failures, restarted.Run(0).CheckpointStep));
        Assert.Equal("ledger: 2 runs, 0 completed, 1 to resume, 0 failed", SweepNotices.For(Recovered.Instance, restarted.Book));
        Assert.Equal(2, restarted.Ready(1).OfType<RunStarted>().Single().Attempt);
    }

    [Fact]
    public void Replaying_the_journal_alone_gives_back_every_run_attempt_and_device_the_live_book_had()
    {
        var h = new BookHarness(runs: 4, BookHarness.Policy with { QuarantineAfter = 2, MaxRetries = 1, RetryBackoffSeconds = 0 });
        h.Ready(1);
        h.Ready(2, device: "cuda:1");
        h.Handle(new FromTrainer(new TrainerId(1), new SweepProtocol.RunResumed(h.Id(0), 1, 10)));
        h.Ends(1, 0, RunEndOutcome.Completed);
        h.Ends(2, 1, RunEndOutcome.Failed, "a");
        h.Ready(2, device: "cuda:1");
        h.Ends(2, 1, RunEndOutcome.Failed, "b");     // gives up
        h.Ready(2, device: "cuda:1");
        h.Ends(2, 2, RunEndOutcome.Failed, "c");     // second different run on cuda:1: quarantined
        h.Ready(1);
        h.Lost(1);

        var replayed = new SweepBook(h.Plan, h.Book.Policy);
        foreach (var e in h.Journal) replayed.Apply(e);
        AssertSameJournalledState(h.Book, replayed);
        // A snapshot of the live book is the same state again; so is a snapshot taken halfway with the rest replayed after it.
        AssertSameJournalledState(h.Book, SweepBook.FromSnapshot(h.Plan, h.Book.Policy, h.Book.Snapshot()));
        var half = new SweepBook(h.Plan, h.Book.Policy);
        foreach (var e in h.Journal.Take(h.Journal.Count / 2)) half.Apply(e);
        var resumed = SweepBook.FromSnapshot(h.Plan, h.Book.Policy, half.Snapshot());
        foreach (var e in h.Journal.Skip(h.Journal.Count / 2)) resumed.Apply(e);
        AssertSameJournalledState(h.Book, resumed);
    }

    static void AssertSameJournalledState(SweepBook live, SweepBook replayed)
    {
        static object Durable(BookRun r) => (r.Id, r.Planned, r.ConfigHash, r.Attempt, r.Failures, r.Node, r.Device, r.CheckpointStep, r.Reason, r.Summary,
            string.Join("; ", r.Attempts.Select(a => $"{a.Attempt} {a.Node} {a.Device} {a.Started:O} {a.ResumedFrom} {a.OutcomeText}")));
        Assert.Equal(live.Plan.Select(Durable), replayed.Plan.Select(Durable));
        // Live states the journal does not know come back as what a restart makes of them.
        Assert.Equal(live.Plan.Select(r => r.State == RunState.Retrying ? RunState.Pending : r.State), replayed.Plan.Select(r => r.State));
        Assert.Equal(Enum.GetValues<RunState>().Select(s => replayed.Plan.Count(r => r.State == s)), Enum.GetValues<RunState>().Select(replayed.Count));
        Assert.Equal(live.Quarantines, replayed.Quarantines);
        Assert.Single(replayed.Quarantines);
    }
}
