using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;

namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>The bench case a GPU figure was measured for: the run must match it in each of these to use it.</summary>
public readonly record struct GpuCase(TaskKind Task, ModelKind Model, int HiddenSize, bool Fused, int BatchSize)
{
    public static GpuCase Of(RunConfig config) => new(config.Task, config.Model, config.HiddenSize, config.Fused, config.BatchSize);
}

/// <summary>
/// The free GPU memory a run needs before a slot may start it: gpu_min_free_mib where the worker or the sweep file sets it;
/// otherwise the run's expected peak plus a margin, where the bench measured its case on a GPU; otherwise 2048 MiB.
/// <para>
/// The expected peak is `asrnn-grid bench --device cuda`'s peak_memory_mb for the same task, model, hidden size, fused
/// and batch size: the device memory nvidia-smi shows for the bench's process after its timed iterations (CUDA context
/// and libtorch's caching allocator included, which keeps its peak). The margin is a quarter of it and 256 MiB more:
/// evaluation batches (MNIST's 1000) and fragmentation come on top of the timed training step. No figure is taken from a
/// different batch size or sequence shape: memory grows with both. The project has no GPU figures yet (the README's GPU
/// table is still to be taken by bench/gpu.sh), so <see cref="MeasuredPeaksMiB"/> is empty and every run needs the
/// fallback until figures measured on a GPU are entered there.
/// </para>
/// </summary>
public static class GpuNeed
{
    public const long FallbackMiB = 2048;

    /// <summary>bench's peak_memory_mb on a GPU, by case. Enter only figures measured on a GPU.</summary>
    public static readonly IReadOnlyDictionary<GpuCase, double> MeasuredPeaksMiB = new Dictionary<GpuCase, double>();

    public static long MiB(RunConfig config, long? minFreeMiB, IReadOnlyDictionary<GpuCase, double> peaks) =>
        minFreeMiB ?? (peaks.TryGetValue(GpuCase.Of(config), out var peak) ? (long)Math.Ceiling(peak * 1.25) + 256 : FallbackMiB);
}
