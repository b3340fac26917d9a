namespace AsRnnGrid.Training.Gpus;

/// <summary>What nvidia-smi said about this machine's GPUs: its rows, or why there are none.</summary>
public sealed record GpuListing(GpuListingState State, IReadOnlyList<GpuRow> Gpus, IReadOnlyList<ComputeApp>? Apps, IReadOnlyList<string> Problems)
{
    public static readonly GpuListing NotInstalled = new(GpuListingState.NotInstalled, [], [], []);

    /// <summary>
    /// The GPU a CUDA_VISIBLE_DEVICES entry names: an index ("2"), a GPU UUID or a prefix of one ("GPU-8932f937"); null
    /// for one nvidia-smi does not list, and for a MIG instance ("MIG-..."), which --query-gpu does not show.
    /// </summary>
    public GpuRow? Find(string entry) =>
        int.TryParse(entry, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? Gpus.FirstOrDefault(g => g.Index == index)
            : entry.StartsWith("GPU-", StringComparison.OrdinalIgnoreCase)
                ? Gpus.FirstOrDefault(g => g.Uuid.StartsWith(entry, StringComparison.OrdinalIgnoreCase))
                : null;

    /// <summary>The processes on that GPU; null where nvidia-smi could not list them.</summary>
    public IReadOnlyList<ComputeApp>? AppsOn(GpuRow gpu) => Apps?.Where(a => string.Equals(a.GpuUuid, gpu.Uuid, StringComparison.OrdinalIgnoreCase)).ToArray();
}

public enum GpuListingState
{
    /// <summary>nvidia-smi answered with a row per GPU it could read (<see cref="GpuListing.Problems"/> holds what it could not).</summary>
    Listed,
    /// <summary>No nvidia-smi on this machine (a CPU machine, or a container without NVIDIA's tools).</summary>
    NotInstalled,
    /// <summary>nvidia-smi ran and listed no GPU: the driver is not answering, it timed out (<see cref="GpuListing.Problems"/> says what it printed).</summary>
    Failed,
}

/// <summary>
/// One GPU as --query-gpu shows it. A memory figure is null where nvidia-smi prints [N/A]; <see cref="Unreadable"/> says
/// which figure it printed an error for instead ("[Unknown Error]", "[GPU requires reset]").
/// </summary>
public sealed record GpuRow(int Index, string Uuid, string Name, bool MigEnabled, long? TotalMiB, long? UsedMiB, long? FreeMiB, string? Unreadable);

/// <summary>A process with a compute context on the GPU of <see cref="GpuUuid"/>; its memory is null where nvidia-smi prints [N/A] (MIG).</summary>
public sealed record ComputeApp(string GpuUuid, int Pid, string Name, long? UsedMiB);
