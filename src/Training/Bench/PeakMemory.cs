using System.Globalization;
using AsRnnGrid.Training.Gpus;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Bench;

/// <summary>
/// Peak memory of one benchmark case. TorchSharp exposes no CUDA allocator statistics, so: on CPU the process's
/// peak resident set (VmHWM, reset per case through /proc/self/clear_refs); on CUDA the device memory nvidia-smi
/// shows for this process after the timed iterations (the caching allocator keeps its peak reserved and never gives
/// it back, which is why `bench` times each case in a process of its own). Inside a container nvidia-smi often lists
/// no process of ours (another PID namespace); the figure is then the GPU's used memory less what it used when this
/// process first asked, which is the same on a GPU nobody else is using.
/// </summary>
public static class PeakMemory
{
    /// <summary>The GPU's used memory before this process's first case: captured once, on the first CUDA reset.</summary>
    static double? _deviceBaselineMb;

    public static string Kind(Device device) => device.type == DeviceType.CUDA
        ? "device memory of the process, CUDA context included (nvidia-smi)"
        : "process peak RSS";

    /// <summary>Starts a new peak (CPU); on CUDA notes the GPU's used memory before this process uses it.</summary>
    public static void Reset(Device device)
    {
        if (device.type == DeviceType.CUDA)
        {
            _deviceBaselineMb ??= DeviceUsedMb(new NvidiaSmi().List(), device);
            return;
        }
        if (!File.Exists("/proc/self/clear_refs")) return;
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The figure in MiB, or null where it cannot be read.</summary>
    public static double? ReadMb(Device device)
    {
        if (device.type != DeviceType.CUDA) return PeakRssMb();
        // One listing (two nvidia-smi processes) serves both readings.
        var listing = new NvidiaSmi().List();
        return listing.Apps?.FirstOrDefault(a => a.Pid == Environment.ProcessId)?.UsedMiB ?? DeviceGrowthMb(listing, device);
    }

    static double? PeakRssMb()
    {
        if (!File.Exists("/proc/self/status")) return null;
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)
                && long.TryParse(line[6..].Trim().Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb))
                return kb / 1024.0;
        return null;
    }

    static double? DeviceGrowthMb(GpuListing listing, Device device)
    {
        if (_deviceBaselineMb is not { } baseline) return null;
        return DeviceUsedMb(listing, device) is { } used ? Math.Max(0, used - baseline) : null;
    }

    /// <summary>The GPU's used memory, every process's together; null where nvidia-smi cannot say (missing, MIG).</summary>
    static double? DeviceUsedMb(GpuListing listing, Device device) =>
        CudaVisibleDevices.Entry(Math.Max(0, (int)device.index)) is { } entry ? listing.Find(entry)?.UsedMiB : null;
}
