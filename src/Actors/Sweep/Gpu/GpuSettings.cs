namespace AsRnnGrid.Actors.Sweep.Gpu;

/// <summary>How a node's trainers look at their GPUs before they ask for work.</summary>
public sealed record GpuSettings
{
    /// <summary>The nvidia-smi to run (tests: a script that prints recorded output).</summary>
    public string NvidiaSmi { get; init; } = Training.Gpus.NvidiaSmi.DefaultProgram;
    /// <summary>The worker's own gpu_min_free_mib and gpu_share, sent with each request for work.</summary>
    public GpuOptions Options { get; init; } = GpuOptions.None;
    /// <summary>How often a GPU slot waiting for work reads its GPU again (and tells the supervisor when it changed).</summary>
    public TimeSpan RecheckEvery { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>One nvidia-smi listing serves every slot of the node that asks within this long.</summary>
    public TimeSpan ListingMaxAge { get; init; } = TimeSpan.FromSeconds(2);
}
