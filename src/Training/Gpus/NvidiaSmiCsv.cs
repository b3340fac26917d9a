using System.Globalization;

namespace AsRnnGrid.Training.Gpus;

/// <summary>
/// Reads what nvidia-smi printed for <see cref="NvidiaSmi.GpuQuery"/> and <see cref="NvidiaSmi.AppQuery"/>. Values are
/// ", "-separated; numbers may carry a unit (" MiB") when a caller left nounits out; "[N/A]" (MIG, vGPU, consumer
/// boards) is no figure, and any other bracketed text ("[Unknown Error]", "[GPU requires reset]") is a GPU that
/// cannot be read. A line that is not a row is nvidia-smi's own message: a GPU fallen off the bus prints
/// "Unable to determine the device handle for GPU0000:41:00.0: Unknown Error" in its place, a driver that does not
/// answer prints "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver ...".
/// </summary>
public static class NvidiaSmiCsv
{
    const string NotAvailable = "[N/A]";

    public static GpuListing Listing(NvidiaSmiOutput gpus, NvidiaSmiOutput apps)
    {
        if (!gpus.Installed) return GpuListing.NotInstalled;
        if (gpus.TimedOut)
            return new GpuListing(GpuListingState.Failed, [], null, ["nvidia-smi did not answer in time and was killed"]);
        var rows = new List<GpuRow>();
        var problems = new List<string>();
        foreach (var line in Lines(gpus.Text))
        {
            if (Gpu(line) is { } row) rows.Add(row);
            else problems.Add(line);
        }
        if (rows.Count == 0)
        {
            if (problems.Count == 0) problems.Add($"nvidia-smi listed no GPU (exit code {gpus.ExitCode.ToString(CultureInfo.InvariantCulture)})");
            return new GpuListing(GpuListingState.Failed, [], null, problems);
        }
        var listed = Apps(apps, problems);
        return new GpuListing(GpuListingState.Listed, rows, listed, problems.Distinct().ToArray());
    }

    /// <summary>The processes; null where the query failed (its message joins <paramref name="problems"/>).</summary>
    static IReadOnlyList<ComputeApp>? Apps(NvidiaSmiOutput apps, List<string> problems)
    {
        if (!apps.Installed || apps.TimedOut)
        {
            problems.Add("nvidia-smi did not list the GPUs' processes");
            return null;
        }
        var list = new List<ComputeApp>();
        var other = new List<string>();
        foreach (var line in Lines(apps.Text))
        {
            if (App(line) is { } app) list.Add(app);
            else other.Add(line);
        }
        if (apps.ExitCode != 0 && list.Count == 0)
        {
            problems.AddRange(other.Count > 0 ? other : [$"nvidia-smi --query-compute-apps failed (exit code {apps.ExitCode.ToString(CultureInfo.InvariantCulture)})"]);
            return null;
        }
        problems.AddRange(other);
        return list;
    }

    static IEnumerable<string> Lines(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);

    /// <summary>index, uuid, name, mig.mode.current, memory.total, memory.used, memory.free.</summary>
    static GpuRow? Gpu(string line)
    {
        var f = line.Split(',').Select(v => v.Trim()).ToArray();
        if (f.Length != 7 || !int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)) return null;
        string? unreadable = null;
        long? Figure(string value, string column)
        {
            if (MiB(value) is { } mib) return mib;
            if (value != NotAvailable) unreadable ??= $"{column} reads {value}";
            return null;
        }
        var total = Figure(f[4], "memory.total");
        var used = Figure(f[5], "memory.used");
        var free = Figure(f[6], "memory.free");
        return new GpuRow(index, f[1], f[2], f[3] == "Enabled", total, used, free, unreadable);
    }

    /// <summary>gpu_uuid, pid, process_name (which may hold commas), used_memory.</summary>
    static ComputeApp? App(string line)
    {
        var f = line.Split(',').Select(v => v.Trim()).ToArray();
        if (f.Length < 4 || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return null;
        return new ComputeApp(f[0], pid, string.Join(", ", f[2..^1]), MiB(f[^1]));
    }

    /// <summary>"81559" or "81559 MiB"; null for anything else.</summary>
    static long? MiB(string value)
    {
        var number = value.EndsWith(" MiB", StringComparison.Ordinal) ? value[..^4] : value;
        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var mib) ? mib : null;
    }
}
