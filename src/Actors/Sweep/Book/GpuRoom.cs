using AsRnnGrid.Actors.Sweep.Gpu;

namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>
/// Whether a slot's GPU has room for a run, from the reading its trainer sent with its request for work: a pure
/// function of the reading, the run's need and gpu_share. A slot without room takes no run and waits, visibly; it
/// never fails the run for it. Where nothing could be read (no nvidia-smi, a MIG instance) the slot behaves as it would
/// without the check; where nvidia-smi failed or cannot read the GPU (fallen off the bus) it waits, since a run there
/// would fail.
/// </summary>
public static class GpuRoom
{
    /// <summary>Null where the run may start; else why not ("GPU 1: 812 MiB free, 2048 needed").</summary>
    public static string? Shortfall(GpuReading? gpu, long needMiB, GpuShare share)
    {
        if (gpu is null) return null;                                   // a CPU slot, or a trainer that sent no reading
        if (needMiB == 0 && share == GpuShare.FreeMemory) return null;  // gpu_min_free_mib: 0 turns the check off
        switch (gpu.State)
        {
            case GpuReadingState.NotChecked:
                return null;
            case GpuReadingState.Unreadable:
                return $"{gpu.Gpu}: {gpu.Note}";
        }
        if (share == GpuShare.Never)
        {
            if (gpu.OtherUsers is null) return $"{gpu.Gpu}: its processes could not be listed (gpu_share: never)";
            if (gpu.OtherUsers.Count > 0)
                return $"{gpu.Gpu}: in use by {gpu.OtherUsers[0]}{(gpu.OtherUsers.Count > 1 ? $" and {gpu.OtherUsers.Count - 1} more" : "")} (gpu_share: never)";
        }
        return gpu.FreeMiB is { } free && free < needMiB ? $"{gpu.Gpu}: {free} MiB free, {needMiB} needed" : null;
    }
}
