namespace AsRnnGrid.Actors.Sweep.Gpu;

/// <summary>
/// A worker's own gpu_min_free_mib and gpu_share (`worker --gpu-min-free-mib`, `--gpu-share`), which its trainers send
/// with every request for work; a null member leaves the sweep file's value (or its default).
/// </summary>
public sealed record GpuOptions(long? MinFreeMiB, GpuShare? Share)
{
    public static readonly GpuOptions None = new(null, null);

    /// <summary>The largest gpu_min_free_mib (16 TiB): a number past it is a typo, not a GPU.</summary>
    public const long MaxMinFreeMiB = 1L << 24;
}
