using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Gpu;
using AsRnnGrid.Actors.Tests.Sweep.Gpu;
using Xunit.Abstractions;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>
/// A GPU slot on a node others use, through the real supervisor, trainer, GPU monitor and a stand-in nvidia-smi: the
/// machines that run the tests have no GPU, so the slot's run fails once it starts (no CUDA here); what is tested is
/// that it waits, visibly, while its GPU lacks room, and takes the run as soon as room appears.
/// </summary>
public sealed class SharedGpuTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_gpu_slot_waits_while_its_gpu_lacks_room_and_takes_the_run_when_room_appears()
    {
        var notices = new List<string>();
        var nvidiaSmi = NvidiaSmiFixtures.FakeNvidiaSmi("h100-shared");      // GPU 0: 6845 MiB free
        var sweep = TestSweeps.CopyGrid(TestSweeps.TempResults(), ["asrnn"], [1]) with { GpuMinFreeMiB = 8000, MaxRetries = 0 };
        var options = TestSweeps.Options(0, log: output.WriteLine) with
        {
            Slots = [("cuda:0", 0)],
            Gpu = new GpuSettings { NvidiaSmi = nvidiaSmi, RecheckEvery = TimeSpan.FromMilliseconds(200), ListingMaxAge = TimeSpan.Zero },
            OnNotice = n => { lock (notices) notices.Add(n.Text); output.WriteLine(n.Text); },
        };
        await using var host = SweepHost.Start(sweep, options);

        var waiting = await Eventually(() => TestSweeps.TryReadStatus(sweep.Results)?.Devices.SingleOrDefault() is { State: DeviceState.Waiting } d ? d : null);
        Assert.Equal("GPU 0: 6845 MiB free, 8000 needed", waiting.Note);
        Assert.Contains(Snapshot(notices), n => n.EndsWith("cuda:0 slot 0: GPU 0: 6845 MiB free, 8000 needed, waiting", StringComparison.Ordinal));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(Snapshot(notices), n => n.Contains(" started on ", StringComparison.Ordinal));
        Assert.Equal(RunState.Pending, TestSweeps.TryReadStatus(sweep.Results)!.Runs.Single().State);

        // The other users' jobs end: the GPU shows 81050 MiB free, the slot reads it again and the run starts there.
        NvidiaSmiFixtures.Show(nvidiaSmi, "a100-idle");
        var started = await Eventually(() => Snapshot(notices).FirstOrDefault(n => n.Contains(" started on ", StringComparison.Ordinal)));
        Assert.EndsWith("cuda:0 slot 0 (attempt 1)", started);
        host.Stop("test over");
        await host.Ended.WaitAsync(TimeSpan.FromMinutes(2));
    }

    static List<string> Snapshot(List<string> notices)
    {
        lock (notices) return [.. notices];
    }

    static async Task<T> Eventually<T>(Func<T?> probe) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } found) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException("the expected state did not come within 2 minutes");
    }
}
