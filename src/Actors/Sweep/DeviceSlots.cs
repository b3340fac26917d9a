using TorchSharp;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// The trainer slots of this machine: each GPU libtorch sees (so CUDA_VISIBLE_DEVICES is respected) times
/// slots_per_gpu, or, without a GPU, cpu_slots CPU slots (default one per two cores: a run's libtorch uses
/// several threads, so more slots than that only contend).
/// </summary>
public static class DeviceSlots
{
    public static IReadOnlyList<(string Device, int Slot)> Discover(int slotsPerGpu, int? cpuSlots, IReadOnlyList<int>? gpus = null)
    {
        int count = torch.cuda.is_available() ? torch.cuda.device_count() : 0;
        var indices = gpus ?? Enumerable.Range(0, count).ToArray();
        if (indices.Count > 0 && count > 0)
            return indices.SelectMany(g => Enumerable.Range(0, Math.Max(1, slotsPerGpu)).Select(s => ($"cuda:{g}", s))).ToArray();
        int slots = cpuSlots ?? Math.Max(1, Environment.ProcessorCount / 2);
        return Enumerable.Range(0, Math.Max(1, slots)).Select(s => ("cpu", s)).ToArray();
    }
}
