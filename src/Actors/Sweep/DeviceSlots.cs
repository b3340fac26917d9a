using AsRnnGrid.Training.Configuration;
using TorchSharp;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// The trainer slots of this machine: each GPU libtorch sees (so CUDA_VISIBLE_DEVICES is respected) times
/// slots_per_gpu, or, without a GPU, cpu_slots CPU slots (default one per two cores: a run's libtorch uses
/// several threads, so more slots than that only contend). GPUs named explicitly (a worker's --gpus) must exist: a
/// missing one would otherwise fail every run handed to its slots until the slot is quarantined.
/// </summary>
public static class DeviceSlots
{
    public static IReadOnlyList<(string Device, int Slot)> Discover(int slotsPerGpu, int? cpuSlots, IReadOnlyList<int>? gpus = null)
    {
        int count = torch.cuda.is_available() ? torch.cuda.device_count() : 0;
        if (gpus is { Count: > 0 })
        {
            if (count == 0)
                throw new ConfigurationException($"--gpus {string.Join(",", gpus)}: CUDA is not available on this machine (this build's libtorch backend or no GPU); leave --gpus out to train on the CPU");
            var missing = gpus.Where(g => g >= count).ToArray();
            if (missing.Length > 0)
                throw new ConfigurationException($"--gpus: no GPU {string.Join(", ", missing)} on this machine (libtorch sees {count}: 0 to {count - 1}; CUDA_VISIBLE_DEVICES renumbers them)");
        }
        var indices = gpus ?? Enumerable.Range(0, count).ToArray();
        if (indices.Count > 0 && count > 0)
            return indices.SelectMany(g => Enumerable.Range(0, Math.Max(1, slotsPerGpu)).Select(s => ($"cuda:{g}", s))).ToArray();
        int slots = cpuSlots ?? Math.Max(1, Environment.ProcessorCount / 2);
        return Enumerable.Range(0, Math.Max(1, slots)).Select(s => ("cpu", s)).ToArray();
    }
}
