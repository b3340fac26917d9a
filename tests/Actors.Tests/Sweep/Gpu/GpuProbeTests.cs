using AsRnnGrid.Actors.Sweep.Book;
using AsRnnGrid.Actors.Sweep.Gpu;
using AsRnnGrid.Training.Gpus;

namespace AsRnnGrid.Actors.Tests.Sweep.Gpu;

/// <summary>A slot's device read from nvidia-smi's listing (which GPU, its free memory, other users), and what the book makes of it.</summary>
public sealed class GpuProbeTests
{
    const int Me = 1001;

    /// <summary>The owners of the h100-shared fixture's processes: two other users and this one (the sweep's own children).</summary>
    static (int Uid, string Name)? Owner(int pid) => pid switch
    {
        48211 => (1002, "bob"),
        51002 or 51388 => (1003, "chen"),
        61234 or 61277 => (Me, "maria"),
        _ => null,
    };

    static GpuReading Read(string node, string device, string? visible = null) =>
        GpuProbe.Read(NvidiaSmiFixtures.Listing(node), device, visible, Owner, Me);

    [Fact]
    public void A_gpu_taken_by_other_users_reads_its_free_memory_and_who_is_on_it()
    {
        var gpu1 = Read("h100-shared", "cuda:1");
        Assert.Equal(("GPU 1", GpuReadingState.Measured, 812L, 81559L), (gpu1.Gpu, gpu1.State, gpu1.FreeMiB!.Value, gpu1.TotalMiB!.Value));
        Assert.Equal([new GpuUser(51002, "python", "chen", 40960), new GpuUser(51388, "python", "chen", 39296)], gpu1.OtherUsers);
        Assert.Equal("GPU 1: 812 MiB free, 2048 needed", GpuRoom.Shortfall(gpu1, 2048, GpuShare.FreeMemory));

        // The sweep's own children are no other user: GPU 3 may take a run under gpu_share: never.
        var gpu3 = Read("h100-shared", "cuda:3");
        Assert.Empty(gpu3.OtherUsers!);
        Assert.Null(GpuRoom.Shortfall(gpu3, 2048, GpuShare.Never));
        // GPU 0 has room enough for a small run, but another user's job: shared under free-memory, not under never.
        var gpu0 = Read("h100-shared", "cuda:0");
        Assert.Null(GpuRoom.Shortfall(gpu0, 2048, GpuShare.FreeMemory));
        Assert.Equal("GPU 0: in use by bob's python3 (pid 48211, 74224 MiB) (gpu_share: never)", GpuRoom.Shortfall(gpu0, 2048, GpuShare.Never));
    }

    [Fact]
    public void Cuda_visible_devices_renumbers_the_gpus_by_index_or_uuid()
    {
        // Inside an allocation of GPUs 1 and 3, libtorch's cuda:0 is nvidia-smi's GPU 1 and cuda:1 its GPU 3.
        Assert.Equal(("GPU 1", 812L), (Read("h100-shared", "cuda:0", "1,3").Gpu, Read("h100-shared", "cuda:0", "1,3").FreeMiB!.Value));
        Assert.Equal("GPU 3", Read("h100-shared", "cuda:1", "1,3").Gpu);
        Assert.Equal("GPU 2", Read("h100-shared", "cuda:0", "GPU-a4c8e2d0").Gpu);
        // CUDA stops at the first entry it cannot read: cuda:1 does not exist for "2,x,3".
        var beyond = Read("h100-shared", "cuda:1", "2,x,3");
        Assert.Equal(GpuReadingState.NotChecked, beyond.State);
        Assert.Null(GpuRoom.Shortfall(beyond, 2048, GpuShare.Never));
    }

    [Fact]
    public void A_mig_gpu_reads_its_processes_but_no_free_memory_and_a_mig_instance_is_not_checked()
    {
        var mig = Read("a100-mig", "cuda:0");
        Assert.Equal((GpuReadingState.Measured, (long?)null, "MIG mode: the instance's free memory is not shown"), (mig.State, mig.FreeMiB, mig.Note));
        Assert.Equal(["an unseen user", "an unseen user"], mig.OtherUsers!.Select(u => u.User));
        Assert.Null(GpuRoom.Shortfall(mig, 2048, GpuShare.FreeMemory));
        Assert.Equal("GPU 0: in use by an unseen user's python (pid 7712) and 1 more (gpu_share: never)", GpuRoom.Shortfall(mig, 2048, GpuShare.Never));

        var instance = Read("a100-mig", "cuda:0", "MIG-4a6f1d2e-3b8c-9e07-f5a4-c21d8b6e0f93");
        Assert.Equal(GpuReadingState.NotChecked, instance.State);
        Assert.Null(GpuRoom.Shortfall(instance, 2048, GpuShare.FreeMemory));
    }

    [Fact]
    public void An_idle_gpu_has_room_for_a_run_of_any_share_setting()
    {
        var idle = Read("a100-idle", "cuda:2");
        Assert.Equal(("GPU 2", 81050L), (idle.Gpu, idle.FreeMiB!.Value));
        Assert.Null(GpuRoom.Shortfall(idle, 2048, GpuShare.Never));
        Assert.Equal("GPU 2: 81050 MiB free, 90000 needed", GpuRoom.Shortfall(idle, 90000, GpuShare.FreeMemory));
    }

    [Fact]
    public void A_lost_gpu_and_a_driver_that_does_not_answer_make_the_slot_wait_with_nvidia_smi_s_words()
    {
        var lost = Read("gpu-lost", "cuda:2");
        Assert.Equal(GpuReadingState.Unreadable, lost.State);
        Assert.Equal("GPU 2: not listed by nvidia-smi: Unable to determine the device handle for GPU0000:47:00.0: Unknown Error",
            GpuRoom.Shortfall(lost, 2048, GpuShare.FreeMemory));
        Assert.Equal("GPU 3: nvidia-smi: memory.total reads [Unknown Error]", GpuRoom.Shortfall(Read("gpu-lost", "cuda:3"), 2048, GpuShare.FreeMemory));
        // The GPUs still answering take runs; under never, their processes could not be listed.
        Assert.Null(GpuRoom.Shortfall(Read("gpu-lost", "cuda:0"), 2048, GpuShare.FreeMemory));
        Assert.Equal("GPU 0: its processes could not be listed (gpu_share: never)", GpuRoom.Shortfall(Read("gpu-lost", "cuda:0"), 2048, GpuShare.Never));

        var failed = Read("driver-not-loaded", "cuda:0");
        Assert.Equal("GPU 0: nvidia-smi failed: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
            GpuRoom.Shortfall(failed, 2048, GpuShare.FreeMemory));
    }

    [Fact]
    public void Without_nvidia_smi_a_gpu_slot_behaves_as_without_the_check()
    {
        var missing = GpuProbe.Read(new NvidiaSmi("/nonexistent/nvidia-smi").List(), "cuda:0", null, Owner, Me);
        Assert.Equal((GpuReadingState.NotChecked, "nvidia-smi is not installed: free memory is not checked"), (missing.State, missing.Note));
        Assert.Null(GpuRoom.Shortfall(missing, 2048, GpuShare.Never));
    }

    [Fact]
    public void This_machine_s_owners_are_read_from_proc()
    {
        var owners = ProcessOwners.OfThisMachine();
        Assert.NotNull(owners.Self);
        Assert.Equal(owners.Self, owners.Of(Environment.ProcessId)!.Value.Uid);
        Assert.Null(owners.Of(int.MaxValue));
    }
}
