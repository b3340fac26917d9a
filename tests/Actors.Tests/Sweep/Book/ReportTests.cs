using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Book;
using static AsRnnGrid.Actors.Sweep.Book.BookCommands;
using static AsRnnGrid.Actors.Sweep.Book.LiveEvents;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Tests.Sweep.Book;

/// <summary>Which reports count: only the current attempt's, from the trainer that holds it; silence past the heartbeat timeout.</summary>
public sealed class ReportTests
{
    [Fact]
    public void Reports_of_an_old_attempt_or_from_another_trainer_are_ignored()
    {
        var h = new BookHarness(runs: 1, BookHarness.Policy with { RetryBackoffSeconds = 0 });
        h.Ready(1);
        h.Ends(1, 0, RunEndOutcome.Stopped);
        h.Ready(2, slot: 1);                          // attempt 2 on trainer 2
        var before = h.Journal.Count;
        var late = new List<IBookEvent>();
        late.AddRange(h.Ends(1, 0, RunEndOutcome.Failed, "late", attempt: 1));
        late.AddRange(h.Progress(1, 0, 55, attempt: 1));
        late.AddRange(h.Handle(new FromTrainer(new TrainerId(1), new SweepProtocol.RunCheckpointed(h.Id(0), 1, 50))));
        late.AddRange(h.Ends(1, 0, RunEndOutcome.Completed, attempt: 2));       // the right attempt, the wrong trainer
        Assert.All(late, e => Assert.IsType<LateReportIgnored>(e));
        Assert.Equal(4, late.Count);
        Assert.Equal(before, h.Journal.Count);
        Assert.Equal((RunState.Running, 2, 0, (long?)null), (h.Run(0).State, h.Run(0).Attempt, h.Run(0).Failures, h.Run(0).CheckpointStep));
        Assert.Equal(0, h.Holds(2));
    }

    [Fact]
    public void A_trainer_that_asks_for_work_while_it_still_holds_a_run_ends_that_attempt_without_spending_the_budget()
    {
        var h = new BookHarness(runs: 2, BookHarness.Policy with { MaxRetries = 0 });
        h.Ready(1);
        var again = h.Ready(1);
        var ended = again.OfType<AttemptEnded>().Single();
        Assert.Equal((h.Id(0), AttemptOutcome.Interrupted, "the trainer gave up the run without a report"), (ended.RunId, ended.Outcome, ended.Reason));
        Assert.Equal(0, h.Run(0).Failures);
        // It gets work again: the interrupted run, first in the file.
        Assert.Equal((h.Id(0), 2), (again.OfType<RunStarted>().Single().RunId, again.OfType<RunStarted>().Single().Attempt));
    }

    [Fact]
    public void A_running_attempt_not_heard_of_for_one_and_a_half_heartbeat_timeouts_is_stopped_failed_and_retried()
    {
        var h = new BookHarness(runs: 1, BookHarness.Policy with { HeartbeatTimeout = TimeSpan.FromSeconds(60), RetryBackoffSeconds = 5 });
        h.Ready(1);
        h.Advance(TimeSpan.FromSeconds(80));
        h.Progress(1, 0, 10);                          // heard of: the clock starts again
        h.Advance(TimeSpan.FromSeconds(90));
        Assert.Empty(h.Tick());
        h.Advance(TimeSpan.FromSeconds(1));
        var timedOut = h.Tick();
        Assert.Equal(new StopAsked(new TrainerId(1), h.Id(0), 1, "no heartbeat"), timedOut.OfType<StopAsked>().Single());
        var ended = timedOut.OfType<AttemptEnded>().Single();
        Assert.Equal((AttemptOutcome.Failed, "no word from its trainer for 90 s"), (ended.Outcome, ended.Reason));
        Assert.Equal((RunState.Retrying, 1), (h.Run(0).State, h.Run(0).Failures));
        Assert.Equal(-1, h.Holds(1));
        // The silent trainer's own report comes later and is ignored; when it asks for work it gets the retry.
        Assert.IsType<LateReportIgnored>(h.Ends(1, 0, RunEndOutcome.Failed, "killed", attempt: 1).Single());
        h.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, h.Ready(1).OfType<RunStarted>().Single().Attempt);
    }

    [Fact]
    public void A_resume_is_journalled_with_the_step_and_moves_the_step_shown()
    {
        var h = new BookHarness(runs: 1);
        h.Ready(1);
        var resumed = h.Handle(new FromTrainer(new TrainerId(1), new SweepProtocol.RunResumed(h.Id(0), 1, 20)));
        Assert.Equal(new LedgerEvents.RunResumed(h.Id(0), 1, 20), resumed.OfType<ILedgerEvent>().Single());
        Assert.Equal($"{h.Id(0)} resumed from step 20 (attempt 1)", SweepNotices.For(resumed[0], h.Book));
        var status = StatusSnapshot.Of(h.Book, "x.yaml", DateTimeOffset.UnixEpoch).Runs.Single();
        Assert.Equal((20L, 20L, 20L), (status.Step, status.CheckpointStep, status.Attempts[0].ResumedFrom));
    }
}
