namespace AsRnnGrid.Training.Gpus;

/// <summary>
/// CUDA numbers the GPUs CUDA_VISIBLE_DEVICES lists, in its order (libtorch's cuda:0 is the list's first entry), while
/// nvidia-smi numbers all of the machine's. An entry is an index, a GPU UUID (or a unique prefix of one) or a MIG
/// instance's UUID; CUDA stops reading the list at the first entry it cannot read. Without the variable cuda:N is
/// nvidia-smi's GPU N: CUDA orders GPUs fastest first, which for a node of identical GPUs is their PCI order, nvidia-smi's.
/// </summary>
public static class CudaVisibleDevices
{
    public const string Variable = "CUDA_VISIBLE_DEVICES";

    /// <summary>How nvidia-smi names CUDA device <paramref name="cudaIndex"/>; null where the list has no such entry.</summary>
    public static string? Entry(int cudaIndex, string? visible)
    {
        if (visible is null) return cudaIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var entries = new List<string>();
        foreach (var part in visible.Split(','))
        {
            var entry = part.Trim();
            bool readable = entry.Length > 0 && (entry.All(char.IsAsciiDigit)
                || entry.StartsWith("GPU-", StringComparison.OrdinalIgnoreCase) || entry.StartsWith("MIG-", StringComparison.OrdinalIgnoreCase));
            if (!readable) break;
            entries.Add(entry);
        }
        return cudaIndex >= 0 && cudaIndex < entries.Count ? entries[cudaIndex] : null;
    }

    public static string? Entry(int cudaIndex) => Entry(cudaIndex, Environment.GetEnvironmentVariable(Variable));

    public static bool IsMig(string entry) => entry.StartsWith("MIG-", StringComparison.OrdinalIgnoreCase);
}
