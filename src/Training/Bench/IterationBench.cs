using System.Diagnostics;
using System.Globalization;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Bench;

/// <summary>
/// Times one case on the calling thread: the training loop's own iteration (<see cref="TrainingStep"/>: forward,
/// backward, clipping, RMSprop step) on the model <see cref="ModelFactory"/> builds with the run's optimiser, the
/// median of N after warm-up, synchronised on CUDA; then the real checkpoint capture and durable write.
/// </summary>
public static class IterationBench
{
    /// <summary>The run configuration the case trains with: the task's reference defaults, at the bench's shapes.</summary>
    public static RunConfig ConfigFor(BenchCase c, BenchSettings s)
    {
        int steps = s.SeqLengthFor(c);
        var values = new List<KeyValuePair<string, string>>
        {
            new("task", c.Task), new("model", c.Model), new("hidden_size", Text(c.Hidden)),
            new("batch_size", Text(s.BatchFor(c))), new("dtype", s.DType), new("device", s.Device),
            new("fused", s.Fused ? "true" : "false"),
        };
        if (c.Task == "ptb") values.Add(new("bptt", Text(steps)));
        if (c.Task == "copy")
        {
            int recall = TaskKind.Parse(c.Task).Defaults.RecallLength;
            if (steps < 2 * recall + 1)
                throw new ConfigurationException($"bench: the copy task needs a sequence length of at least {2 * recall + 1} (2 x recall_length + 1), got {steps}");
            values.Add(new("delay_length", Text(steps - 2 * recall)));
        }
        return RunConfigBuilder.Build(values);
    }

    /// <param name="beforeTimedIterations">Called once between the warm-up and the timed iterations (slot processes wait there for each other).</param>
    public static BenchRow Measure(BenchCase c, BenchSettings s, Action? beforeTimedIterations = null)
    {
        if (s.Iterations < 1) throw new ConfigurationException("bench: --iterations must be at least 1");
        if (s.Warmup < 0) throw new ConfigurationException("bench: --warmup must not be negative");
        if (s.CheckpointWrites < 0) throw new ConfigurationException("bench: --checkpoints must not be negative");
        var config = ConfigFor(c, s);
        int steps = s.SeqLengthFor(c);
        var device = DeviceSelection.Resolve(config.Device);
        var dtype = config.DType == "float64" ? ScalarType.Float64 : ScalarType.Float32;
        PeakMemory.Reset(device);
        using var task = c.Task == "copy" ? TaskSession.Create(config, device, dtype) : new SyntheticTaskSession(config, device, dtype, steps);
        var shape = task.Shape;
        var spec = ModelSpecResolver.Resolve(config, shape);
        using var generator = new Generator((ulong)config.RandomSeed, torch.CPU);
        using var model = ModelFactory.Create(spec, generator, device);
        using var optimizer = RunOptimizer.Create(config, model);
        var trainable = TrainingStep.Trainable(model);
        task.BeginEpoch(0);

        var times = new List<double>();
        DateTimeOffset timedStart = default;
        for (int i = 0; i < s.Warmup + s.Iterations; i++)
        {
            if (i == s.Warmup)
            {
                beforeTimedIterations?.Invoke();
                timedStart = DateTimeOffset.UtcNow;
            }
            var clock = Stopwatch.StartNew();
            using (var scope = torch.NewDisposeScope())
                TrainingStep.Run(model, optimizer, task, trainable, config.ClipNorm, i);
            if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
            if (i >= s.Warmup) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        var timedEnd = DateTimeOffset.UtcNow;
        var peak = PeakMemory.ReadMb(device);
        var (checkpointMs, checkpointBytes) = TimeCheckpoints(config, model, optimizer, task, s.CheckpointWrites, s.Warmup + s.Iterations);

        double median = Median.Of(times);
        int every = config.CheckpointEvery;
        double intervalMs = Math.Min(every * median, config.CheckpointMinutes * 60_000);
        return new BenchRow
        {
            Case = c.Label, Task = c.Task, Model = c.Model, Nonlinear = spec.Nonlinear, Fused = config.Fused,
            Hidden = c.Hidden, Batch = config.BatchSize, SeqLength = steps, Parameters = model.ParameterCount,
            Device = device.ToString(), DType = config.DType, Iterations = s.Iterations, Warmup = s.Warmup,
            MsPerIteration = median, MsMin = times.Min(), MsMax = times.Max(),
            IterationsPerSecond = 1000.0 / median,
            SustainedIterationsPerSecond = times.Count / (times.Sum() / 1000.0),
            TimedStartUnixSeconds = UnixSeconds(timedStart), TimedEndUnixSeconds = UnixSeconds(timedEnd),
            PeakMemoryMb = peak, MemoryKind = PeakMemory.Kind(device),
            CheckpointMs = checkpointMs, CheckpointBytes = checkpointBytes, CheckpointEvery = every,
            CheckpointShare = checkpointMs / (every * median),
            CheckpointShareEffective = checkpointMs / intervalMs,
        };
    }

    /// <summary>Captures and writes <paramref name="writes"/> checkpoints with the real store into a temporary folder; the median time and the file's size.</summary>
    static (double Ms, long Bytes) TimeCheckpoints(RunConfig config, SequenceModel model, TorchSharp.Modules.OptimizerHelper optimizer, TaskSession task, int writes, long step)
    {
        if (writes == 0) return (0, 0);
        var folder = Directory.CreateTempSubdirectory("asrnn-bench-").FullName;
        try
        {
            var store = new CheckpointStore(folder, config.KeepCheckpoints);
            var hash = ConfigHash.Compute(config);
            var times = new List<double>();
            string path = "";
            for (int k = 0; k < writes; k++)
            {
                var state = new LoopState { Step = step + k };
                var clock = Stopwatch.StartNew();
                path = store.Save(RunCheckpoint.Capture(config, hash, model, optimizer, task, state));
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            return (Median.Of(times), new FileInfo(path).Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Seconds since 1970 to the tick (100 ns): slot windows of a few milliseconds are compared across processes.</summary>
    static double UnixSeconds(DateTimeOffset t) => (t - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
