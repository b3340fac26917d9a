using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Book;
using AsRnnGrid.Actors.Sweep.Gpu;
using static AsRnnGrid.Actors.Sweep.Book.LiveEvents;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Tests.Sweep.Book;

/// <summary>A GPU slot takes a run only when its GPU has room for it; else it waits, visibly, and the run goes to others.</summary>
public sealed class GpuRoomTests
{
    static readonly GpuUser Alice = new(4242, "python3", "alice", 10240);

    [Fact]
    public void A_slot_whose_gpu_lacks_free_memory_waits_visibly_and_takes_the_run_when_room_appears()
    {
        var h = new BookHarness(runs: 1);
        var first = h.ReadyOnGpu(1, BookHarness.Gpu(812, index: 1), device: "cuda:1");
        Assert.DoesNotContain(first, e => e is RunStarted);
        var waits = first.OfType<SlotWaitsForRoom>().Single();
        Assert.Equal(new SlotWaitsForRoom(new TrainerId(1), "GPU 1: 812 MiB free, 2048 needed", Began: true), waits);
        Assert.Equal("gpu-a:4053 cuda:1 slot 0: GPU 1: 812 MiB free, 2048 needed, waiting", SweepNotices.For(waits, h.Book));
        var device = StatusSnapshot.Of(h.Book, "x.yaml", DateTimeOffset.UnixEpoch).Devices.Single();
        Assert.Equal((DeviceState.Waiting, "GPU 1: 812 MiB free, 2048 needed"), (device.State, device.Note));
        Assert.Equal(RunState.Pending, h.Run(0).State);

        // Still short: the reason follows the reading, without a new notice.
        var still = h.GpuChanged(1, BookHarness.Gpu(1500, index: 1)).OfType<SlotWaitsForRoom>().Single();
        Assert.False(still.Began);
        Assert.Null(SweepNotices.For(still, h.Book));

        // Room appears: the run is handed out, and the slot no longer waits for room.
        var started = h.GpuChanged(1, BookHarness.Gpu(40000, index: 1)).OfType<RunStarted>().Single();
        Assert.Equal((h.Id(0), "cuda:1 slot 0"), (started.RunId, started.Device));
        Assert.Null(h.Book.Trainer(new TrainerId(1))!.RoomShortfall);
        Assert.Equal(0, h.Run(0).Failures);
    }

    [Fact]
    public void The_run_a_full_gpu_cannot_take_goes_to_a_slot_with_room_in_file_order()
    {
        var h = new BookHarness(runs: 2);
        h.ReadyOnGpu(1, BookHarness.Gpu(812));
        var other = h.ReadyOnGpu(2, BookHarness.Gpu(60000, index: 1), device: "cuda:1");
        Assert.Equal(h.Id(0), other.OfType<RunStarted>().Single().RunId);
        Assert.Equal(h.Id(1), h.Ready(3, node: "cpu-box:4060", device: "cpu").OfType<RunStarted>().Single().RunId);
        // Nothing is left for the full GPU: its slot waits for work, not for room.
        Assert.Contains(h.Tick(), e => e is SlotRoomWaitOver { Trainer.Value: 1 });
        Assert.Equal(DeviceState.Idle, StatusSnapshot.Of(h.Book, "x.yaml", DateTimeOffset.UnixEpoch).Devices.Single(d => d.Device == "cuda:0 slot 0").State);
    }

    [Theory]
    [InlineData(null, null, 812, false)]      // the fallback need, 2048
    [InlineData(512L, null, 812, true)]       // the sweep file's gpu_min_free_mib
    [InlineData(512L, 4096L, 3000, false)]    // the worker's own --gpu-min-free-mib comes first
    [InlineData(8192L, 0L, 10, true)]         // 0 turns the check off
    public void The_need_is_the_worker_s_then_the_sweep_s_then_the_run_s_own(long? sweep, long? worker, long free, bool starts)
    {
        var h = new BookHarness(runs: 1, BookHarness.Policy with { GpuMinFreeMiB = sweep });
        var events = h.ReadyOnGpu(1, BookHarness.Gpu(free), new GpuOptions(worker, null));
        Assert.Equal(starts, events.Any(e => e is RunStarted));
    }

    [Fact]
    public void The_run_s_expected_peak_from_the_bench_plus_a_margin_is_its_need_where_the_bench_measured_its_case()
    {
        var run = new BookHarness(runs: 1).Plan[0];
        var peaks = new Dictionary<GpuCase, double> { [GpuCase.Of(run.Config)] = 1000 };
        var policy = BookHarness.Policy with { GpuPeaksMiB = peaks };
        Assert.Equal(1506, GpuNeed.MiB(run.Config, null, peaks));                      // 1000 x 1.25 + 256
        Assert.Equal(GpuNeed.FallbackMiB, GpuNeed.MiB(run.Config with { BatchSize = 256 }, null, peaks));
        Assert.Empty(new BookHarness(runs: 1, policy).ReadyOnGpu(1, BookHarness.Gpu(1400)).OfType<RunStarted>());
        Assert.Equal("GPU 0: 1400 MiB free, 1506 needed",
            new BookHarness(runs: 1, policy).ReadyOnGpu(1, BookHarness.Gpu(1400)).OfType<SlotWaitsForRoom>().Single().Shortfall);
        Assert.Single(new BookHarness(runs: 1, policy).ReadyOnGpu(1, BookHarness.Gpu(1600)).OfType<RunStarted>());
    }

    [Fact]
    public void Gpu_share_never_keeps_runs_off_a_gpu_with_another_user_s_process_free_memory_lets_them_share_it()
    {
        var never = new BookHarness(runs: 1, BookHarness.Policy with { GpuShare = GpuShare.Never });
        var waits = never.ReadyOnGpu(1, BookHarness.Gpu(70000, 0, Alice, Alice with { Pid = 4243 })).OfType<SlotWaitsForRoom>().Single();
        Assert.Equal("GPU 0: in use by alice's python3 (pid 4242, 10240 MiB) and 1 more (gpu_share: never)", waits.Shortfall);
        // Its processes gone, the GPU takes the run.
        Assert.Single(never.GpuChanged(1, BookHarness.Gpu(70000)).OfType<RunStarted>());

        Assert.Single(new BookHarness(runs: 1).ReadyOnGpu(1, BookHarness.Gpu(70000, 0, Alice)).OfType<RunStarted>());
        // The worker's --gpu-share never comes before the sweep file's free-memory.
        Assert.Empty(new BookHarness(runs: 1).ReadyOnGpu(1, BookHarness.Gpu(70000, 0, Alice), new GpuOptions(null, GpuShare.Never)).OfType<RunStarted>());
        // Processes that could not be listed are not taken for none.
        var unlisted = BookHarness.Gpu(70000) with { OtherUsers = null };
        Assert.Equal("GPU 0: its processes could not be listed (gpu_share: never)", GpuRoom.Shortfall(unlisted, 2048, GpuShare.Never));
        Assert.Null(GpuRoom.Shortfall(unlisted, 2048, GpuShare.FreeMemory));
    }

    [Fact]
    public void An_unreadable_gpu_waits_a_gpu_that_cannot_be_checked_behaves_as_without_the_check()
    {
        var lost = new GpuReading("GPU 2", GpuReadingState.Unreadable, null, null, null,
            "not listed by nvidia-smi: Unable to determine the device handle for GPU0000:47:00.0: Unknown Error");
        var h = new BookHarness(runs: 1);
        Assert.Equal("GPU 2: not listed by nvidia-smi: Unable to determine the device handle for GPU0000:47:00.0: Unknown Error",
            h.ReadyOnGpu(1, lost).OfType<SlotWaitsForRoom>().Single().Shortfall);
        Assert.Equal(RunState.Pending, h.Run(0).State);
        Assert.Empty(h.Journal.OfType<AttemptEnded>());

        var unchecked_ = new GpuReading("GPU 0", GpuReadingState.NotChecked, null, null, [], "nvidia-smi is not installed: free memory is not checked");
        Assert.Single(new BookHarness(runs: 1).ReadyOnGpu(1, unchecked_).OfType<RunStarted>());
        // MIG mode: the GPU's processes are read, its instance's memory is not.
        var mig = new GpuReading("GPU 0", GpuReadingState.Measured, null, 40960, [], "MIG mode: the instance's free memory is not shown");
        Assert.Single(new BookHarness(runs: 1).ReadyOnGpu(1, mig).OfType<RunStarted>());
    }

    [Fact]
    public void A_reading_from_a_trainer_that_holds_a_run_changes_nothing()
    {
        // A trainer's new reading may cross the run the supervisor just handed it: that is no lost report.
        var h = new BookHarness(runs: 2);
        h.ReadyOnGpu(1, BookHarness.Gpu(60000));
        Assert.Equal(0, h.Holds(1));
        Assert.Empty(h.GpuChanged(1, BookHarness.Gpu(10)));
        Assert.Equal((RunState.Running, 1), (h.Run(0).State, h.Run(0).Attempts.Count));
        // And a CPU slot, which sends no reading, takes runs as before.
        Assert.Single(h.Ready(2, node: "cpu-box:4060", device: "cpu").OfType<RunStarted>());
    }
}
