using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Book;
using static AsRnnGrid.Actors.Sweep.Book.LiveEvents;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Tests.Sweep.Book;

/// <summary>A device on which different runs keep failing is taken out of service, and stays out after a restart until cleared.</summary>
public sealed class QuarantineTests
{
    /// <summary>Runs 0, 1, 2 each fail once on trainer 1's device (cuda:0 of gpu-a).</summary>
    static BookHarness ThreeDifferentFailures(int runs = 5)
    {
        var h = new BookHarness(runs, BookHarness.Policy with { RetryBackoffSeconds = 1000, QuarantineAfter = 3 });
        for (int run = 0; run < 3; run++)
        {
            h.Ready(1);
            Assert.Equal(run, h.Holds(1));
            h.Ends(1, run, RunEndOutcome.Failed, $"CUDA error {run}");
        }
        return h;
    }

    [Fact]
    public void Three_different_runs_failing_in_a_row_quarantine_the_device_and_its_slots_get_no_more_work()
    {
        var h = ThreeDifferentFailures();
        var q = Assert.Single(h.Journal.OfType<DeviceQuarantined>());
        Assert.Equal(new DeviceQuarantined("gpu-a:4053", "cuda:0", "3 different runs failed on it in a row (last: CUDA error 2)"), q);
        Assert.True(h.Book.IsQuarantined(new DeviceId("gpu-a", "cuda:0")));
        // Both slots of that GPU wait in vain; a slot of the other GPU takes the next run.
        Assert.DoesNotContain(h.Ready(1), e => e is RunStarted);
        Assert.DoesNotContain(h.Ready(2, slot: 1), e => e is RunStarted);
        Assert.Equal(h.Id(3), h.Ready(3, device: "cuda:1").OfType<RunStarted>().Single().RunId);
        var devices = StatusSnapshot.Of(h.Book, "x.yaml", DateTimeOffset.UnixEpoch).Devices;
        Assert.Equal([DeviceState.Quarantined, DeviceState.Quarantined, DeviceState.Busy], devices.Select(d => d.State));
        Assert.Equal(3, devices[0].ConsecutiveFailures);
    }

    [Fact]
    public void A_run_completing_on_the_device_resets_the_count_and_one_run_failing_twice_counts_once()
    {
        var h = new BookHarness(runs: 4, BookHarness.Policy with { RetryBackoffSeconds = 0, MaxRetries = 5, QuarantineAfter = 2 });
        h.Ready(1);
        h.Ends(1, 0, RunEndOutcome.Failed);
        h.Ready(1);                                   // run 0 again (no backoff)
        h.Ends(1, 0, RunEndOutcome.Failed);           // the same run: still one
        Assert.Empty(h.Journal.OfType<DeviceQuarantined>());
        Assert.Equal(1, h.Book.FailuresInARow(new DeviceId("gpu-a", "cuda:0")));
        h.Ready(1);
        h.Ends(1, 0, RunEndOutcome.Completed);
        Assert.Equal(0, h.Book.FailuresInARow(new DeviceId("gpu-a", "cuda:0")));
        h.Ready(1);
        h.Ends(1, 1, RunEndOutcome.Failed);
        h.Ready(1);
        h.Ends(1, 1, RunEndOutcome.Completed);        // run 1's retry completes: the count starts again
        h.Ready(1);
        h.Ends(1, 2, RunEndOutcome.Failed);
        Assert.Empty(h.Journal.OfType<DeviceQuarantined>());
    }

    [Fact]
    public void Interruptions_and_the_supervisor_s_own_heartbeat_timeouts_do_not_count_against_the_device()
    {
        var h = new BookHarness(runs: 3, BookHarness.Policy with { QuarantineAfter = 1, HeartbeatTimeout = TimeSpan.FromSeconds(10) });
        h.Ready(1);
        h.Ends(1, 0, RunEndOutcome.Stopped, "its node is leaving the cluster");
        h.Ready(1);
        h.Advance(TimeSpan.FromSeconds(16));
        var silence = h.Tick();
        Assert.Contains(silence, e => e is AttemptEnded { Outcome: AttemptOutcome.Failed });
        Assert.DoesNotContain(silence, e => e is DeviceFailureCounted or DeviceQuarantined);
        Assert.False(h.Book.IsQuarantined(new DeviceId("gpu-a", "cuda:0")));
    }

    [Fact]
    public void The_quarantine_survives_a_restart_on_any_port_of_the_machine_until_clear_quarantine()
    {
        var h = ThreeDifferentFailures();
        var restarted = h.Restarted();
        Assert.True(restarted.Book.IsQuarantined(new DeviceId("gpu-a", "cuda:0")));
        // The restarted node listens on another port: the same GPU of the same machine, still out of service.
        Assert.DoesNotContain(restarted.Ready(7, node: "gpu-a:39311"), e => e is RunStarted);
        // Its other GPU works; the runs that failed are retried first (a restart ends their backoff).
        Assert.Equal(h.Id(0), restarted.Ready(8, node: "gpu-a:39311", device: "cuda:1").OfType<RunStarted>().Single().RunId);

        var cleared = h.Restarted(clearQuarantine: true);
        Assert.Equal(new QuarantineCleared("gpu-a", "cuda:0", "run --clear-quarantine"), cleared.Journal.OfType<QuarantineCleared>().Single());
        Assert.False(cleared.Book.IsQuarantined(new DeviceId("gpu-a", "cuda:0")));
        Assert.Single(cleared.Ready(7, node: "gpu-a:39311").OfType<RunStarted>());
        // Cleared for good: the next restart does not bring it back.
        Assert.False(cleared.Restarted().Book.IsQuarantined(new DeviceId("gpu-a", "cuda:0")));
        Assert.Equal("device cuda:0 of gpu-a back in service (run --clear-quarantine)",
            SweepNotices.For(cleared.Journal.OfType<QuarantineCleared>().Single(), cleared.Book));
    }

    [Fact]
    public void With_every_trainer_s_device_quarantined_and_nothing_running_the_sweep_stalls_after_the_join_grace()
    {
        var h = new BookHarness(runs: 3, BookHarness.Policy with { QuarantineAfter = 2, RetryBackoffSeconds = 1000 });
        h.Ready(1);
        h.Ends(1, 0, RunEndOutcome.Failed);
        h.Ready(1);
        h.Advance(TimeSpan.FromSeconds(1));
        var last = h.Ends(1, 1, RunEndOutcome.Failed);
        Assert.Contains(last, e => e is DeviceQuarantined);
        Assert.Null(h.Book.Ended);                       // the node's other trainers may still be registering
        h.Advance(BookHarness.Policy.JoinGrace);
        var stalled = h.Tick().OfType<SweepControl.SweepEnded>().Single();
        Assert.Equal(new SweepControl.SweepEnded(SweepEnd.Stalled, 0, 0, 0, 3), stalled);
        Assert.Equal(SweepState.Stopped, StatusSnapshot.Of(h.Book, "x.yaml", DateTimeOffset.UnixEpoch).State);
    }

    [Fact]
    public void A_restarted_supervisor_whose_trainers_are_all_quarantined_stalls_without_starting_anything()
    {
        var restarted = ThreeDifferentFailures().Restarted();
        restarted.Ready(1, node: "gpu-a:40000");
        restarted.Advance(BookHarness.Policy.JoinGrace);
        var events = restarted.Tick();
        Assert.DoesNotContain(events, e => e is RunStarted);
        Assert.Equal(SweepEnd.Stalled, events.OfType<SweepControl.SweepEnded>().Single().State);
    }

    [Fact]
    public void A_cluster_supervisor_does_not_stall_it_waits_for_other_workers()
    {
        var h = new BookHarness(runs: 2, BookHarness.Policy with { QuarantineAfter = 1, EndWhenNoDeviceLeft = false });
        h.Ready(1);
        h.Ends(1, 0, RunEndOutcome.Failed);
        h.Advance(TimeSpan.FromMinutes(5));
        Assert.DoesNotContain(h.Tick(), e => e is SweepControl.SweepEnded);
        Assert.Equal((h.Id(0), 2), h.Ready(2, node: "gpu-b:4054").OfType<RunStarted>().Select(s => (s.RunId, s.Attempt)).Single());
    }
}
