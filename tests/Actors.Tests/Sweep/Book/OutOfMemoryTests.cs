using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Book;
using static AsRnnGrid.Actors.Sweep.Book.LiveEvents;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Tests.Sweep.Book;

/// <summary>
/// A child that died of CUDA out-of-memory is a resource failure: retried after the backoff without spending the budget
/// and without counting towards quarantine; out_of_memory_in_a_row of them in a row on one device pause the slot.
/// </summary>
public sealed class OutOfMemoryTests
{
    const string Oom = "exit code 1: error: ExternalException: CUDA out of memory. Tried to allocate 2.00 GiB.";

    [Fact]
    public void An_out_of_memory_attempt_is_retried_after_the_backoff_without_spending_the_budget_or_charging_the_device()
    {
        // max_retries 0 and quarantine_after 1: a failure would give the run up and quarantine the device at once.
        var h = new BookHarness(runs: 1, BookHarness.Policy with { MaxRetries = 0, QuarantineAfter = 1 });
        h.Ready(1);
        var ended = h.Ends(1, 0, RunEndOutcome.OutOfMemory, Oom);
        Assert.Equal(new AttemptEnded(h.Id(0), 1, AttemptOutcome.OutOfMemory, Oom, "gpu-a:4053", "cuda:0 slot 0"), ended.OfType<AttemptEnded>().Single());
        Assert.Equal(new RetryScheduled(h.Id(0), h.Now.AddSeconds(30), TimeSpan.FromSeconds(30)), ended.OfType<RetryScheduled>().Single());
        Assert.DoesNotContain(ended, e => e is RunGaveUp or DeviceFailureCounted or DeviceQuarantined);
        Assert.Equal((RunState.Retrying, 0), (h.Run(0).State, h.Run(0).Failures));
        Assert.Equal($"out-of-memory: {Oom}", h.Run(0).Attempts[0].OutcomeText);
        Assert.Equal($"{h.Id(0)} attempt 1 ran out of GPU memory: {Oom}; retried in 30 s (not counted against max_retries)",
            SweepNotices.For(ended.OfType<RetryScheduled>().Single(), h.Book));

        // It waits out the backoff like a failure, then goes to the waiting trainer as attempt 2 and completes.
        Assert.DoesNotContain(h.Ready(1), e => e is RunStarted);
        h.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, h.Tick().OfType<RunStarted>().Single().Attempt);
        h.Ends(1, 0, RunEndOutcome.Completed);
        Assert.Equal((RunState.Completed, 0), (h.Run(0).State, h.Run(0).Failures));
        Assert.False(h.Book.IsQuarantined(new DeviceId("gpu-a", "cuda:0")));
        Assert.Equal(SweepEnd.Finished, h.Book.Ended?.State);
    }

    [Fact]
    public void Out_of_memory_retries_of_one_run_double_their_wait_up_to_the_pause_and_a_restart_keeps_the_count()
    {
        var h = new BookHarness(runs: 1, BookHarness.Policy with { OutOfMemoryPause = TimeSpan.FromSeconds(100), OutOfMemoryInARow = 100 });
        var waits = new List<TimeSpan>();
        for (int i = 0; i < 4; i++)
        {
            h.Ready(1);
            var wait = h.Ends(1, 0, RunEndOutcome.OutOfMemory, Oom).OfType<RetryScheduled>().Single().Backoff;
            waits.Add(wait);
            h.Advance(wait);
            h.Tick();
        }
        Assert.Equal([30, 60, 100, 100], waits.Select(w => w.TotalSeconds));
        Assert.Equal(0, h.Run(0).Failures);

        // The outcomes are journalled: a restarted supervisor reads the same attempts, the budget still whole.
        var restarted = h.Restarted();
        Assert.Equal((RunState.Pending, 0, 4), (restarted.Run(0).State, restarted.Run(0).Failures, restarted.Run(0).OutOfMemoryInARow));
        Assert.All(restarted.Run(0).Attempts, a => Assert.Equal(AttemptOutcome.OutOfMemory, a.Outcome));
        restarted.Ready(1);
        Assert.Equal(TimeSpan.FromSeconds(100), restarted.Ends(1, 0, RunEndOutcome.OutOfMemory, Oom).OfType<RetryScheduled>().Single().Backoff);
    }

    [Fact]
    public void Three_out_of_memory_attempts_in_a_row_on_a_device_pause_the_slot_of_the_last_for_a_while_never_quarantine_it()
    {
        var h = new BookHarness(runs: 5, BookHarness.Policy with { RetryBackoffSeconds = 0, QuarantineAfter = 1 });
        h.Ready(1, slot: 0);
        h.Ready(2, slot: 1);
        h.Ends(1, 0, RunEndOutcome.OutOfMemory, Oom);   // device cuda:0: 1
        h.Ends(2, 1, RunEndOutcome.OutOfMemory, Oom);   // 2
        h.Ready(2, slot: 1);                            // takes run 0 again (no backoff)
        h.Ready(1, slot: 0);                            // takes run 1
        Assert.Equal((0, 1), (h.Holds(2), h.Holds(1)));
        var third = h.Ends(2, 0, RunEndOutcome.OutOfMemory, Oom);
        var paused = third.OfType<SlotPaused>().Single();
        Assert.Equal(new SlotPaused(new TrainerId(2), h.Now + TimeSpan.FromMinutes(10), "3 attempts in a row ran out of GPU memory on cuda:0"), paused);
        Assert.Equal("gpu-a:4053 cuda:0 slot 1 paused for 10 min: 3 attempts in a row ran out of GPU memory on cuda:0", SweepNotices.For(paused, h.Book));
        Assert.DoesNotContain(h.Journal, e => e is DeviceQuarantined);
        Assert.False(h.Book.IsQuarantined(new DeviceId("gpu-a", "cuda:0")));

        // The paused slot takes nothing; the device's other slot goes on.
        Assert.DoesNotContain(h.Ready(2, slot: 1), e => e is RunStarted);
        var devices = StatusSnapshot.Of(h.Book, "x.yaml", new DateTimeOffset(h.Now)).Devices;
        Assert.Equal([DeviceState.Busy, DeviceState.Paused], devices.Select(d => d.State));
        Assert.EndsWith(": 3 attempts in a row ran out of GPU memory on cuda:0", devices[1].Note);
        h.Ends(1, 1, RunEndOutcome.Completed);
        h.Ready(1, slot: 0);
        Assert.Equal(0, h.Holds(1));

        // Once the pause is over it takes work again.
        h.Advance(TimeSpan.FromMinutes(10));
        Assert.Single(h.Tick().OfType<RunStarted>(), s => s.RunId == h.Id(2));
        Assert.Equal(2, h.Holds(2));
    }

    [Fact]
    public void A_run_completing_or_failing_on_the_device_ends_the_row_and_a_pause_starts_a_new_one()
    {
        var h = new BookHarness(runs: 6, BookHarness.Policy with { RetryBackoffSeconds = 0, MaxRetries = 5 });
        void OomOn(int run) { h.Ready(1); Assert.Equal(run, h.Holds(1)); h.Ends(1, run, RunEndOutcome.OutOfMemory, Oom); }

        OomOn(0);
        OomOn(0);
        h.Ready(1);
        h.Ends(1, 0, RunEndOutcome.Completed);          // the row ends
        OomOn(1);
        OomOn(1);
        h.Ready(1);
        h.Ends(1, 1, RunEndOutcome.Failed, "boom");     // so does a failure of the run's own
        OomOn(1);
        OomOn(1);
        Assert.Null(h.Book.Trainer(new TrainerId(1))!.PausedUntil);
        OomOn(1);                                       // the third in a row
        Assert.NotNull(h.Book.Trainer(new TrainerId(1))!.PausedUntil);
    }

    [Fact]
    public void Interruptions_in_between_neither_count_nor_end_the_row()
    {
        var h = new BookHarness(runs: 2, BookHarness.Policy with { RetryBackoffSeconds = 0 });
        h.Ready(1);
        h.Ends(1, 0, RunEndOutcome.OutOfMemory, Oom);
        h.Ready(1);
        h.Ends(1, 0, RunEndOutcome.Stopped, "its node is leaving the cluster");
        h.Ready(1);
        Assert.Empty(h.Ends(1, 0, RunEndOutcome.OutOfMemory, Oom).OfType<SlotPaused>());
        h.Ready(1);
        Assert.Single(h.Ends(1, 0, RunEndOutcome.OutOfMemory, Oom).OfType<SlotPaused>());
    }
}
