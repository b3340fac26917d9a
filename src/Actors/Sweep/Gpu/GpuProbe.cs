using System.Globalization;
using AsRnnGrid.Training.Gpus;

namespace AsRnnGrid.Actors.Sweep.Gpu;

/// <summary>
/// Turns nvidia-smi's listing into the reading of one slot's device ("cuda:1"): which GPU of nvidia-smi's it is
/// (<see cref="CudaVisibleDevices"/>), its free memory, and the compute processes on it that belong to other users.
/// <see cref="Read"/> decides nothing about the run: the book does (<see cref="Book.GpuRoom"/>).
/// </summary>
public static class GpuProbe
{
    /// <param name="visible">CUDA_VISIBLE_DEVICES of the trainer's node (its children inherit it, so libtorch numbers the same way).</param>
    /// <param name="ownerOf">A process's owner (uid, name); null for one this machine cannot see.</param>
    /// <param name="self">This process's uid: processes of this user are the sweep's own runs (and the user's own work).</param>
    public static GpuReading Read(GpuListing listing, string device, string? visible, Func<int, (int Uid, string Name)?> ownerOf, int? self)
    {
        if (!device.StartsWith("cuda", StringComparison.Ordinal))
            throw new ArgumentException($"{device} is not a GPU", nameof(device));
        int index = device == "cuda" ? 0 : int.Parse(device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture);
        var entry = CudaVisibleDevices.Entry(index, visible);
        string label = entry is { } e && e.All(char.IsAsciiDigit) ? $"GPU {e}" : entry ?? device;
        switch (listing.State)
        {
            case GpuListingState.NotInstalled:
                return NotChecked(label, "nvidia-smi is not installed: free memory is not checked");
            case GpuListingState.Failed:
                return new GpuReading(label, GpuReadingState.Unreadable, null, null, null, $"nvidia-smi failed: {string.Join("; ", listing.Problems)}");
        }
        if (entry is null)
            return NotChecked(label, $"{device} is not among {CudaVisibleDevices.Variable}={visible}");
        if (CudaVisibleDevices.IsMig(entry))
            return NotChecked(label, "a MIG instance: nvidia-smi's --query-gpu shows the whole GPU, not the instance");
        if (listing.Find(entry) is not { } gpu)
            // A GPU that fell off the bus is missing from the rows, and nvidia-smi says why in their place.
            return listing.Problems.Count > 0
                ? new GpuReading(label, GpuReadingState.Unreadable, null, null, null, $"not listed by nvidia-smi: {string.Join("; ", listing.Problems)}")
                : NotChecked(label, "nvidia-smi does not list it");
        label = $"GPU {gpu.Index.ToString(CultureInfo.InvariantCulture)}";
        if (gpu.Unreadable is { } why)
            return new GpuReading(label, GpuReadingState.Unreadable, null, null, null, $"nvidia-smi: {why}");
        var others = listing.AppsOn(gpu)?
            .Select(a => (App: a, Owner: ownerOf(a.Pid)))
            .Where(p => p.Owner is not { } owner || owner.Uid != self)
            .Select(p => new GpuUser(p.App.Pid, Path.GetFileName(p.App.Name), p.Owner?.Name ?? "an unseen user", p.App.UsedMiB))
            .ToArray();
        // In MIG mode the figures are the whole GPU's; the run gets one instance of it.
        return new GpuReading(label, GpuReadingState.Measured, gpu.MigEnabled ? null : gpu.FreeMiB, gpu.TotalMiB, others,
            gpu.MigEnabled ? "MIG mode: the instance's free memory is not shown" : null);
    }

    static GpuReading NotChecked(string label, string why) => new(label, GpuReadingState.NotChecked, null, null, [], why);
}
