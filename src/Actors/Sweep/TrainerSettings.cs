using AsRnnGrid.Actors.Sweep.Gpu;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>One trainer slot: which device of which node it trains on and how it starts and watches its runs.</summary>
public sealed record TrainerSettings
{
    public required string Node { get; init; }
    /// <summary>"cpu" or "cuda:N", passed to `train --device`.</summary>
    public required string Device { get; init; }
    public int Slot { get; init; }
    /// <summary>The sweep token a trainer presents (empty on the supervisor's own node).</summary>
    public string Token { get; init; } = "";
    public required TrainLauncher Launcher { get; init; }
    /// <summary>A child silent for this long is killed and its attempt failed.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Between SIGTERM (checkpoint and exit) and SIGKILL.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(20);
    public FaultPlan Faults { get; init; } = FaultPlan.None;
    /// <summary>CPU threads of the child's libtorch (OMP_NUM_THREADS); null leaves libtorch's default.</summary>
    public int? Threads { get; init; }
    /// <summary>How a GPU slot reads its GPU before it asks for work, and its worker's own GPU options.</summary>
    public GpuSettings Gpu { get; init; } = new();

    public bool OnGpu => Device.StartsWith("cuda", StringComparison.Ordinal);

    /// <summary>Several CPU runs side by side share the cores instead of each taking all of them.</summary>
    public static int? ThreadsFor(IReadOnlyList<(string Device, int Slot)> slots, string device)
    {
        if (device != "cpu") return null;
        int cpuSlots = slots.Count(s => s.Device == "cpu");
        return Math.Max(1, Environment.ProcessorCount / Math.Max(1, cpuSlots));
    }

    public string Name => $"{Device.Replace(':', '-')}-slot{Slot}";
}
