using AsRnnGrid.Training.Gpus;

namespace AsRnnGrid.Actors.Tests.Sweep.Gpu;

/// <summary>nvidia-smi's output read into a listing: real formats kept as files (Fixtures/nvidia-smi), and the real process run.</summary>
public sealed class NvidiaSmiTests
{
    [Fact]
    public void An_h100_node_shared_by_several_users_lists_every_gpu_and_every_process()
    {
        var listing = NvidiaSmiFixtures.Listing("h100-shared");
        Assert.Equal(GpuListingState.Listed, listing.State);
        Assert.Equal(Enumerable.Range(0, 8), listing.Gpus.Select(g => g.Index));
        Assert.Equal(new GpuRow(1, "GPU-0b7d2c19-44e3-8a51-d2f6-93c0e1b7a482", "NVIDIA H100 80GB HBM3", false, 81559, 80268, 812, null), listing.Gpus[1]);
        Assert.Equal(5, listing.Apps!.Count);
        Assert.Equal([new ComputeApp("GPU-0b7d2c19-44e3-8a51-d2f6-93c0e1b7a482", 51002, "/opt/conda/envs/llm/bin/python", 40960),
                      new ComputeApp("GPU-0b7d2c19-44e3-8a51-d2f6-93c0e1b7a482", 51388, "/opt/conda/envs/llm/bin/python", 39296)],
            listing.AppsOn(listing.Gpus[1]));
        Assert.Empty(listing.AppsOn(listing.Gpus[2])!);
        Assert.Empty(listing.Problems);
    }

    [Fact]
    public void An_idle_a100_node_lists_no_process_and_a_mig_gpu_says_so_with_the_processes_memory_not_available()
    {
        var idle = NvidiaSmiFixtures.Listing("a100-idle");
        Assert.Equal((4, 0), (idle.Gpus.Count, idle.Apps!.Count));
        Assert.All(idle.Gpus, g => Assert.Equal((81920L, 0L, 81050L, false), (g.TotalMiB!.Value, g.UsedMiB!.Value, g.FreeMiB!.Value, g.MigEnabled)));

        var mig = NvidiaSmiFixtures.Listing("a100-mig");
        Assert.Equal([true, false], mig.Gpus.Select(g => g.MigEnabled));
        Assert.Equal(29086, mig.Gpus[0].FreeMiB);
        Assert.All(mig.Apps!, a => Assert.Null(a.UsedMiB));
        Assert.Equal([7712, 7790], mig.AppsOn(mig.Gpus[0])!.Select(a => a.Pid));
        Assert.Null(mig.Gpus[0].Unreadable);
    }

    [Fact]
    public void A_gpu_fallen_off_the_bus_is_missing_with_the_driver_s_message_and_an_unreadable_one_says_which_figure()
    {
        var lost = NvidiaSmiFixtures.Listing("gpu-lost");
        Assert.Equal(GpuListingState.Listed, lost.State);
        Assert.Equal([0, 1, 3], lost.Gpus.Select(g => g.Index));
        Assert.Null(lost.Find("2"));
        Assert.Equal(["Unable to determine the device handle for GPU0000:47:00.0: Unknown Error"], lost.Problems);
        Assert.Equal("memory.total reads [Unknown Error]", lost.Gpus[2].Unreadable);
        Assert.Null(lost.Apps);   // the processes could not be listed either
    }

    [Fact]
    public void A_driver_that_does_not_answer_fails_the_listing_with_its_message()
    {
        var failed = NvidiaSmiFixtures.Listing("driver-not-loaded");
        Assert.Equal(GpuListingState.Failed, failed.State);
        Assert.Empty(failed.Gpus);
        Assert.Equal(["NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."],
            failed.Problems);
    }

    [Fact]
    public void Figures_with_units_read_as_without_and_gpus_are_found_by_index_or_uuid_prefix_never_a_mig_instance()
    {
        var listing = NvidiaSmiCsv.Listing(
            new NvidiaSmiOutput(true, 0, "0, GPU-8932f937-d72c-4106-c12f-20bd9faed9f6, NVIDIA A100-SXM4-80GB, Disabled, 81920 MiB, 0 MiB, 81050 MiB\n", false),
            new NvidiaSmiOutput(true, 0, "GPU-8932f937-d72c-4106-c12f-20bd9faed9f6, 17, python3 -c import x, y, 2048 MiB\n", false));
        Assert.Equal(81050, listing.Gpus.Single().FreeMiB);
        Assert.Equal(new ComputeApp("GPU-8932f937-d72c-4106-c12f-20bd9faed9f6", 17, "python3 -c import x, y", 2048), listing.Apps!.Single());
        Assert.Same(listing.Gpus[0], listing.Find("0"));
        Assert.Same(listing.Gpus[0], listing.Find("GPU-8932f937"));
        Assert.Null(listing.Find("1"));
        Assert.Null(listing.Find("MIG-4a6f1d2e-3b8c-9e07-f5a4-c21d8b6e0f93"));
    }

    [Fact]
    public void The_real_queries_run_nvidia_smi_and_read_what_it_printed()
    {
        var script = NvidiaSmiFixtures.FakeNvidiaSmi("gpu-lost");
        var listing = new NvidiaSmi(script).List();
        var recorded = NvidiaSmiFixtures.Listing("gpu-lost");
        Assert.Equal(recorded.Gpus, listing.Gpus);
        Assert.Equal(recorded.Problems, listing.Problems);
        Assert.Equal(15, new NvidiaSmi(script).Run(NvidiaSmi.GpuQuery).ExitCode);
        Assert.Equal(2, new NvidiaSmi(script).Run("--query-gpu=nonsense").ExitCode);
    }

    [Fact]
    public void A_missing_nvidia_smi_says_so_and_a_hanging_one_is_killed_after_its_timeout()
    {
        Assert.Equal(GpuListingState.NotInstalled, new NvidiaSmi("/nonexistent/nvidia-smi").List().State);
        var hanging = NvidiaSmiFixtures.FakeNvidiaSmi("a100-idle", sleepSeconds: 60);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var listing = new NvidiaSmi(hanging, TimeSpan.FromSeconds(1)).List();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Equal((GpuListingState.Failed, "nvidia-smi did not answer in time and was killed"), (listing.State, listing.Problems.Single()));
    }
}
