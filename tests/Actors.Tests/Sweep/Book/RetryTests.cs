using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Book;
using static AsRnnGrid.Actors.Sweep.Book.LiveEvents;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Tests.Sweep.Book;

/// <summary>A failed attempt spends the retry budget and waits out a doubling backoff; an interruption spends nothing.</summary>
public sealed class RetryTests
{
    [Fact]
    public void A_failed_attempt_is_retried_after_the_backoff_doubled_for_each_failure_then_the_run_gives_up()
    {
        var h = new BookHarness(runs: 1);    // max_retries 2, retry_backoff 30 s
        h.Ready(1);
        var failed = h.Ends(1, 0, RunEndOutcome.Failed, "exit code 1: boom");
        Assert.Equal(new AttemptEnded(h.Id(0), 1, AttemptOutcome.Failed, "exit code 1: boom", "gpu-a:4053", "cuda:0 slot 0"), failed.OfType<AttemptEnded>().Single());
        Assert.Equal(new RetryScheduled(h.Id(0), h.Now.AddSeconds(30), TimeSpan.FromSeconds(30)), failed.OfType<RetryScheduled>().Single());
        Assert.Equal((RunState.Retrying, 1), (h.Run(0).State, h.Run(0).Failures));

        // The trainer waits; nothing is handed out before the backoff has passed, and it is as soon as it has.
        Assert.DoesNotContain(h.Ready(1), e => e is RunStarted);
        h.Advance(TimeSpan.FromSeconds(29));
        Assert.DoesNotContain(h.Tick(), e => e is RunStarted);
        h.Advance(TimeSpan.FromSeconds(1));
        var retried = h.Tick();
        Assert.Equal(new RetryDue(h.Id(0)), retried.OfType<RetryDue>().Single());
        Assert.Equal(2, retried.OfType<RunStarted>().Single().Attempt);

        var second = h.Ends(1, 0, RunEndOutcome.Failed, "exit code 1: boom");
        Assert.Equal(TimeSpan.FromSeconds(60), second.OfType<RetryScheduled>().Single().Backoff);
        h.Advance(TimeSpan.FromSeconds(60));
        h.Ready(1);
        var third = h.Ends(1, 0, RunEndOutcome.Failed, "exit code 1: boom");
        Assert.Equal(new RunGaveUp(h.Id(0), "exit code 1: boom"), third.OfType<RunGaveUp>().Single());
        Assert.DoesNotContain(third, e => e is RetryScheduled);
        Assert.Equal((RunState.Failed, 3, 3), (h.Run(0).State, h.Run(0).Failures, h.Run(0).Attempts.Count));
        Assert.Equal(SweepEnd.Finished, h.Book.Ended?.State);
    }

    [Fact]
    public void A_retry_waiting_out_its_backoff_lets_the_next_runs_go_first_and_rejoins_the_queue_in_file_order()
    {
        var h = new BookHarness(runs: 3, BookHarness.Policy with { RetryBackoffSeconds = 10 });
        h.Ready(1);
        h.Ends(1, 0, RunEndOutcome.Failed);
        Assert.Equal(h.Id(1), h.Ready(1).OfType<RunStarted>().Single().RunId);
        h.Advance(TimeSpan.FromSeconds(10));
        h.Ends(1, 1, RunEndOutcome.Completed);
        // Run 0 is due again and comes before run 2 in the file.
        Assert.Equal(h.Id(0), Assert.Single(h.Ready(1).OfType<RunStarted>()).RunId);
    }

    [Fact]
    public void With_no_backoff_a_failed_run_is_retried_at_once_before_the_runs_after_it()
    {
        var h = new BookHarness(runs: 2, BookHarness.Policy with { RetryBackoffSeconds = 0 });
        h.Ready(1);
        h.Ends(1, 0, RunEndOutcome.Failed);
        var next = h.Ready(1);
        Assert.Equal((h.Id(0), 2), (next.OfType<RunStarted>().Single().RunId, next.OfType<RunStarted>().Single().Attempt));
    }

    [Theory]
    [InlineData(RunEndOutcome.Stopped, "its node is leaving the cluster")]
    [InlineData(RunEndOutcome.Requeue, "cpu-slot1 is busy with copy-12345678")]
    public void A_stopped_or_requeued_attempt_goes_back_to_the_queue_at_once_without_spending_the_budget(RunEndOutcome outcome, string reason)
    {
        var h = new BookHarness(runs: 1);
        h.Ready(1);
        var ended = h.Ends(1, 0, outcome, reason);
        Assert.Equal(AttemptOutcome.Interrupted, ended.OfType<AttemptEnded>().Single().Outcome);
        Assert.DoesNotContain(ended, e => e is RetryScheduled or RunGaveUp or DeviceFailureCounted);
        Assert.Equal((RunState.Pending, 0), (h.Run(0).State, h.Run(0).Failures));
        Assert.Equal($"interrupted: {reason}", h.Run(0).Attempts[0].OutcomeText);
        // Another trainer takes it straight away, as attempt 2.
        Assert.Equal(2, h.Ready(2, slot: 1).OfType<RunStarted>().Single().Attempt);
    }

    [Fact]
    public void A_lost_trainer_s_run_moves_to_another_trainer_without_spending_its_budget_and_the_slot_shows_gone()
    {
        var h = new BookHarness(runs: 1, BookHarness.Policy with { MaxRetries = 0 });
        h.Ready(1, node: "gpu-b:4054");
        h.Ready(2, node: "gpu-c:4055");
        var lost = h.Lost(1);
        var ended = lost.OfType<AttemptEnded>().Single();
        Assert.Equal((AttemptOutcome.Interrupted, "trainer cuda:0 slot 0 of gpu-b:4054 lost"), (ended.Outcome, ended.Reason));
        // max_retries 0: a failure would have failed the run; the loss does not.
        var moved = lost.OfType<RunStarted>().Single();
        Assert.Equal((2, "gpu-c:4055"), (moved.Attempt, moved.Node));
        Assert.Equal(0, h.Run(0).Failures);

        var devices = StatusSnapshot.Of(h.Book, "x.yaml", DateTimeOffset.UnixEpoch).Devices;
        Assert.Equal([("gpu-b:4054", DeviceState.Gone), ("gpu-c:4055", DeviceState.Busy)], devices.Select(d => (d.Node, d.State)));
        // A trainer of the same slot registers again: it replaces the gone one.
        h.Ready(3, node: "gpu-b:4054");
        devices = StatusSnapshot.Of(h.Book, "x.yaml", DateTimeOffset.UnixEpoch).Devices;
        Assert.Equal([("gpu-b:4054", DeviceState.Idle), ("gpu-c:4055", DeviceState.Busy)], devices.Select(d => (d.Node, d.State)));
        // The old trainer of a slot stopping after its new one registered leaves nothing gone behind (and its run moves on).
        h.Ready(4, node: "gpu-c:4055", slot: 0);
        h.Lost(2);
        devices = StatusSnapshot.Of(h.Book, "x.yaml", DateTimeOffset.UnixEpoch).Devices;
        Assert.Equal([("gpu-b:4054", DeviceState.Busy), ("gpu-c:4055", DeviceState.Idle)], devices.Select(d => (d.Node, d.State)));
        Assert.Equal(4, Assert.Single(h.Book.Trainers, t => t.Address.Node == "gpu-c:4055").Id.Value);
    }

    [Fact]
    public void Retry_failed_gives_a_failed_run_a_fresh_budget_in_the_next_session_and_only_when_asked()
    {
        var h = new BookHarness(runs: 1, BookHarness.Policy with { MaxRetries = 0 });
        h.Ready(1);
        h.Ends(1, 0, RunEndOutcome.Failed, "loss became NaN at step 26");
        Assert.Equal(RunState.Failed, h.Run(0).State);

        Assert.Equal((RunState.Failed, 1), (h.Restarted().Run(0).State, h.Restarted().Run(0).Failures));
        var again = h.Restarted(retryFailed: true);
        Assert.Equal(new RunReset(h.Id(0), "retry requested after: loss became NaN at step 26"), again.Journal.OfType<RunReset>().Single());
        Assert.Equal((RunState.Pending, 0), (again.Run(0).State, again.Run(0).Failures));
        Assert.Equal(2, again.Ready(1).OfType<RunStarted>().Single().Attempt);
    }
}
