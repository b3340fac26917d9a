using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Loop;

/// <summary>Options of one run that are not part of its configuration.</summary>
public sealed record TrainingRunOptions
{
    /// <summary>Start over: the folder's old files are moved into previous-*/ first.</summary>
    public bool Restart { get; init; }
    /// <summary>Test-only fault injection: throw at this step (the sweep's retry tests use it).</summary>
    public long? FailAtStep { get; init; }
    /// <summary>Test-only: the loss of this step reads as NaN (the sweep's give-up tests use it).</summary>
    public long? NanAtStep { get; init; }
    /// <summary>Test-only: the run hangs at this step, silent (the sweep's heartbeat tests use it).</summary>
    public long? HangAtStep { get; init; }
    /// <summary>Test-only: at this step the run throws what TorchSharp throws when libtorch's CUDA allocator is out of memory (the sweep's resource-failure tests use it).</summary>
    public long? OutOfMemoryAtStep { get; init; }
    /// <summary>How long to wait for another process to release the run folder.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Seconds between heartbeats to the observer.</summary>
    public double HeartbeatSeconds { get; init; } = 5;
}

/// <summary>
/// One training run, start to end, on the calling thread (TorchSharp's DisposeScopes are per thread):
/// resume from the newest checkpoint of the same configuration, train with one DisposeScope per iteration,
/// log to metrics.jsonl, checkpoint on cadence, at each epoch's end and when asked to stop, write result.json.
/// </summary>
public sealed class TrainingRun
{
    readonly RunConfig _config;
    readonly RunFolder _folder;
    readonly ITrainingObserver _observer;
    readonly TrainingRunOptions _options;
    readonly string _configHash;

    public TrainingRun(RunConfig config, string folder, ITrainingObserver observer, TrainingRunOptions? options = null)
    {
        _config = config;
        _folder = new RunFolder(folder);
        _observer = observer;
        _options = options ?? new TrainingRunOptions();
        _configHash = ConfigHash.Compute(config);
    }

    public RunFolder Folder => _folder;

    /// <summary>Trains until done or <paramref name="stop"/> is cancelled (then checkpoints and returns status "stopped").</summary>
    public RunResult Run(CancellationToken stop)
    {
        using var folderLock = _folder.Lock(_options.LockWait);
        if (_options.Restart && _folder.SetAsideForRestart() is { } aside)
            _observer.Warning($"--restart: the previous files of {_folder.Path} were moved to {aside}");
        Directory.CreateDirectory(_folder.Path);
        DurableFile.WriteAllText(_folder.RunYaml, RunConfigBuilder.ToYaml(_config));

        var device = DeviceSelection.Resolve(_config.Device);
        var dtype = _config.DType == "float64" ? ScalarType.Float64 : ScalarType.Float32;
        using var task = TaskSession.Create(_config, device, dtype);
        var shape = task.Shape;
        var spec = ModelSpecResolver.Resolve(_config, shape);
        using var generator = new torch.Generator((ulong)_config.RandomSeed, torch.CPU);
        using var model = ModelFactory.Create(spec, generator, device);
        using var optimizer = RunOptimizer.Create(_config, model);
        var trainable = TrainingStep.Trainable(model);

        var state = new LoopState();
        var store = new CheckpointStore(_folder.Path, _config.KeepCheckpoints);
        var restored = store.LoadLatest(_observer.Warning);
        if (restored is { } found)
        {
            Restore(found.Data, model, optimizer, task, state);
            TruncateMetrics(state.MetricsLength);
            _observer.Resumed(state.Step, state.Epoch, found.Path);
        }
        else if (File.Exists(_folder.Metrics))
        {
            // No checkpoint to continue from: an earlier attempt's partial log is kept aside, not overwritten.
            File.Move(_folder.Metrics, _folder.Metrics + $".{DateTime.UtcNow:yyyyMMddTHHmmss}.orphaned", overwrite: false);
        }
        _observer.Planned(_config.IsEpochTask ? (long)_config.Epochs * task.BatchesPerEpoch : _config.Iterations);
        _observer.Started(model.ParameterCount, device.ToString());

        using var metrics = new FileStream(_folder.Metrics, FileMode.Append, FileAccess.Write, FileShare.Read);
        var clock = Stopwatch.StartNew();
        double elapsedAtStart = state.Elapsed;
        var sinceCheckpoint = Stopwatch.StartNew();
        var interval = Stopwatch.StartNew();
        var sinceHeartbeat = Stopwatch.StartNew();
        long intervalStartStep = state.Step;
        double Elapsed() => elapsedAtStart + clock.Elapsed.TotalSeconds;

        void Log(MetricsPoint point, double? iterationsPerSecond = null)
        {
            var line = JsonSerializer.Serialize(point, MetricsJson.Options) + "\n";
            metrics.Write(System.Text.Encoding.UTF8.GetBytes(line));
            metrics.Flush();
            _observer.Logged(iterationsPerSecond is null ? point : point with { IterationsPerSecond = iterationsPerSecond });
        }

        void Checkpoint()
        {
            var timer = Stopwatch.StartNew();
            metrics.Flush(flushToDisk: true);
            state.MetricsLength = metrics.Length;
            state.Elapsed = Elapsed();
            var path = store.Save(RunCheckpoint.Capture(_config, _configHash, model, optimizer, task, state));
            sinceCheckpoint.Restart();
            _observer.CheckpointWritten(state.Step, path, timer.Elapsed.TotalSeconds);
        }

        RunResult Finish(string status, string? reason)
        {
            var result = Summarise(model, task, state, status, reason, Elapsed());
            DurableFile.WriteAllText(_folder.Result, JsonSerializer.Serialize(result, MetricsJson.Indented));
            _observer.Finished(result);
            return result;
        }

        bool epochTask = _config.IsEpochTask;
        while (true)
        {
            if (epochTask)
            {
                if (state.Epoch >= _config.Epochs) break;
                if (state.BegunEpoch != state.Epoch)
                {
                    task.BeginEpoch(state.Epoch);
                    state.BegunEpoch = state.Epoch;
                    state.ResetEpoch();
                }
                if (state.BatchInEpoch >= task.BatchesPerEpoch)
                {
                    EndEpoch(model, optimizer, task, state, Elapsed, Log);
                    Checkpoint();
                    continue;
                }
            }
            else if (state.Step >= _config.Iterations) break;

            if (stop.IsCancellationRequested)
            {
                Checkpoint();
                return Finish("stopped", "asked to stop; resumes from step " + state.Step);
            }

            if (_options.FailAtStep == state.Step)
                throw new InjectedFaultException($"injected fault at step {state.Step} (test setting)");
            if (_options.HangAtStep == state.Step)
                Thread.Sleep(Timeout.Infinite);
            if (_options.OutOfMemoryAtStep == state.Step)
                throw new System.Runtime.InteropServices.ExternalException(
                    "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 812.00 MiB is free. "
                    + $"Including non-PyTorch memory, this process has 1.25 GiB memory in use. (test setting at step {state.Step})");
            if (sinceHeartbeat.Elapsed.TotalSeconds >= _options.HeartbeatSeconds)
            {
                _observer.Heartbeat(state.Step, Elapsed());
                sinceHeartbeat.Restart();
            }

            if (_options.NanAtStep == state.Step)
                return Finish("failed", $"loss became NaN at step {state.Step + 1} (test setting)");

            BatchStatistics stats;
            using (var scope = torch.NewDisposeScope())
            {
                stats = TrainingStep.Run(model, optimizer, task, trainable, _config.ClipNorm, state.BatchInEpoch);
                if (!double.IsFinite(stats.Loss))
                    return Finish("failed", $"loss became {stats.Loss} at step {state.Step + 1}");
            }
            state.Step++;
            state.BatchInEpoch++;
            state.Accumulate(stats);

            if (state.IntervalBatches >= _config.LogEvery)
            {
                double rate = (state.Step - intervalStartStep) / Math.Max(interval.Elapsed.TotalSeconds, 1e-9);
                Log(state.TrainPoint(_config, task, Elapsed(), optimizer), rate);
                state.ResetInterval();
                interval.Restart();
                intervalStartStep = state.Step;
            }
            bool lastIteration = !epochTask && state.Step >= _config.Iterations;
            if (!lastIteration && (state.Step % _config.CheckpointEvery == 0 || sinceCheckpoint.Elapsed.TotalMinutes >= _config.CheckpointMinutes))
                Checkpoint();
        }
        if (!epochTask && state.IntervalBatches > 0)
            Log(state.TrainPoint(_config, task, Elapsed(), optimizer));
        state.ResetInterval();
        Checkpoint();
        return Finish("completed", null);
    }

    void EndEpoch(SequenceModel model, OptimizerHelper optimizer, TaskSession task, LoopState state, Func<double> elapsed, Action<MetricsPoint, double?> log)
    {
        var evaluation = task.Evaluate(model);
        state.Epoch++;
        state.BatchInEpoch = 0;
        if (evaluation is not null) state.RecordEvaluation(evaluation);
        // PTB (spec §6.1): after an epoch without a better validation bpc, both groups' learning rates are halved.
        if (_config.Task == "ptb" && evaluation?.ValidBpc is { } valid && !state.ImprovedThisEpoch)
            foreach (var group in optimizer.ParamGroups) group.LearningRate *= 0.5;
        log(state.EpochPoint(_config, elapsed(), evaluation, optimizer), null);
    }

    void Restore(CheckpointData data, SequenceModel model, OptimizerHelper optimizer, TaskSession task, LoopState state)
    {
        var saved = data.Meta["config"]!.AsObject();
        if ((string?)data.Meta["config_hash"] != _configHash)
        {
            var current = ConfigHash.TrajectoryKeys(_config);
            var differing = current.Keys.Union(saved.Select(kv => kv.Key))
                .Where(k => !current.TryGetValue(k, out var v) || (string?)saved[k] != v)
                .Select(k => $"{k} ({(string?)saved[k] ?? "absent"} in the checkpoint, {current.GetValueOrDefault(k) ?? "absent"} now)");
            throw new ConfigurationException(
                $"{_folder.Path} holds a checkpoint of another configuration; differing: {string.Join(", ", differing)}. Use --restart to start over (the old files are kept aside) or another --out");
        }
        using (var r = new BinaryReader(new MemoryStream(data.Model))) model.load(r);
        using (var r = new BinaryReader(new MemoryStream(data.Optimizer))) optimizer.load_state_dict(r);
        var rates = data.Meta["learning_rates"]!.AsArray().Select(n => (double)n!).ToArray();
        int g = 0;
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rates[g++];
        task.LoadState(data.Meta["task"]!.AsObject());
        task.LoadTensors(data.Tensors);
        state.ReadFrom(data.Meta);
        model.OnParametersUpdated();
    }

    void TruncateMetrics(long length)
    {
        // Lines logged after the checkpoint are written again, identically, by the resumed run: drop them so the series stays one.
        if (!File.Exists(_folder.Metrics)) return;
        using var stream = new FileStream(_folder.Metrics, FileMode.Open, FileAccess.Write);
        if (stream.Length > length) stream.SetLength(length);
    }

    RunResult Summarise(SequenceModel model, TaskSession task, LoopState state, string status, string? reason, double elapsed) => new()
    {
        Status = status,
        Reason = reason,
        Task = _config.Task,
        Model = _config.Model,
        HiddenSize = _config.HiddenSize,
        Parameters = model.ParameterCount,
        Steps = state.Step,
        Epochs = state.Epoch,
        Elapsed = elapsed,
        FinalLoss = state.LastLoss,
        Baseline = task.Baseline,
        FinalAccuracy = state.LastAccuracy,
        BestTestAccuracy = state.BestTestAccuracy,
        FinalTestAccuracy = state.LastTestAccuracy,
        BestValidBpc = state.BestValidBpc,
        TestBpc = state.TestBpcAtBestValid,
        FinalBpc = state.LastTestBpc,
        ConfigHash = _configHash,
    };
}

/// <summary>A fault injected by a test setting; the sweep treats it as any other failed attempt.</summary>
public sealed class InjectedFaultException(string message) : Exception(message);
