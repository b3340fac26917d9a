using System.Diagnostics;
using System.Globalization;
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
            _deviceBaselineMb ??= DeviceUsedMb(device);
            return;
        }
        if (!File.Exists("/proc/self/clear_refs")) return;
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The figure in MiB, or null where it cannot be read.</summary>
    public static double? ReadMb(Device device) => device.type == DeviceType.CUDA ? ProcessOnDeviceMb() ?? DeviceGrowthMb(device) : PeakRssMb();

    static double? PeakRssMb()
    {
        if (!File.Exists("/proc/self/status")) return null;
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)
                && long.TryParse(line[6..].Trim().Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb))
                return kb / 1024.0;
        return null;
    }

    static double? ProcessOnDeviceMb()
    {
        foreach (var line in NvidiaSmi("--query-compute-apps=pid,used_memory --format=csv,noheader,nounits"))
        {
            var parts = line.Split(',');
            if (parts.Length == 2 && int.TryParse(parts[0].Trim(), out var pid) && pid == Environment.ProcessId)
                return Mb(parts[1]);
        }
        return null;
    }

    static double? DeviceGrowthMb(Device device)
    {
        if (_deviceBaselineMb is not { } baseline) return null;
        return DeviceUsedMb(device) is { } used ? Math.Max(0, used - baseline) : null;
    }

    /// <summary>The GPU's used memory, every process's together.</summary>
    static double? DeviceUsedMb(Device device)
        => NvidiaSmi($"--query-gpu=memory.used --format=csv,noheader,nounits -i {NvidiaSmiIndex(device)}").Select(Mb).FirstOrDefault(v => v is not null);

    /// <summary>nvidia-smi numbers every GPU of the machine; CUDA numbers those CUDA_VISIBLE_DEVICES lists.</summary>
    static string NvidiaSmiIndex(Device device)
    {
        int index = Math.Max(0, device.index);
        var visible = Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return visible is { Length: > 0 } && index < visible.Length ? visible[index] : index.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A number of MiB as nvidia-smi prints it; null for "[N/A]" (MIG) and the like.</summary>
    static double? Mb(string text)
        => double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var mb) ? mb : null;

    /// <summary>nvidia-smi's output lines; none where it is missing or fails.</summary>
    static IReadOnlyList<string> NvidiaSmi(string arguments)
    {
        try
        {
            var psi = new ProcessStartInfo("nvidia-smi", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            var text = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(10_000) || p.ExitCode != 0) return [];
            return text.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return []; // no nvidia-smi on this machine
        }
    }
}
