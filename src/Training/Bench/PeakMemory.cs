using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Bench;

/// <summary>
/// Peak memory of one benchmark case. TorchSharp exposes no CUDA allocator statistics, so: on CPU the process's
/// peak resident set (VmHWM, reset per case through /proc/self/clear_refs); on CUDA the device memory nvidia-smi
/// shows for this process after the timed iterations (the caching allocator keeps its peak reserved).
/// </summary>
public static class PeakMemory
{
    public static string Kind(Device device) => device.type == DeviceType.CUDA
        ? "device memory reserved by the process (nvidia-smi)"
        : "process peak RSS";

    /// <summary>Starts a new peak (CPU); nothing to do on CUDA, where the figure is read per process.</summary>
    public static void Reset(Device device)
    {
        if (device.type == DeviceType.CUDA || !File.Exists("/proc/self/clear_refs")) return;
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The figure in MiB, or null where it cannot be read.</summary>
    public static double? ReadMb(Device device) => device.type == DeviceType.CUDA ? NvidiaSmiMb() : PeakRssMb();

    static double? PeakRssMb()
    {
        if (!File.Exists("/proc/self/status")) return null;
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)
                && long.TryParse(line[6..].Trim().Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb))
                return kb / 1024.0;
        return null;
    }

    static double? NvidiaSmiMb()
    {
        try
        {
            var psi = new ProcessStartInfo("nvidia-smi", "--query-compute-apps=pid,used_memory --format=csv,noheader,nounits")
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            var text = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(10_000)) return null;
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(',');
                if (parts.Length == 2 && int.TryParse(parts[0].Trim(), out var pid) && pid == Environment.ProcessId
                    && double.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var mb))
                    return mb;
            }
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no nvidia-smi on this machine
        }
    }
}
