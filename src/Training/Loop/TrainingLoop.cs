using System.Diagnostics;
using System.Text.Json;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using AsRnnGrid.Training.TensorBoard;
using TorchSharp;
using TorchSharp.Modules;

namespace AsRnnGrid.Training.Loop;

/// <summary>
/// The iterations of one run whose folder is taken and whose state is restored: one DisposeScope per iteration, a log
/// point every log_every iterations into metrics.jsonl (and the TensorBoard events, when asked), a checkpoint on cadence, at each epoch's end and when asked to
/// stop, result.json at the end. Epoch tasks evaluate at each epoch's end and apply their learning-rate schedule. A run
/// told to pause (<see cref="TrainingRunOptions.PauseAt"/>) checkpoints at that point and ends "paused", with its log
/// line there; the same run continued from that checkpoint goes on exactly as if it had never paused.
/// </summary>
internal sealed class TrainingLoop : IDisposable
{
    readonly RunConfig _config;
    readonly string _configHash;
    readonly RunFolder _folder;
    readonly ITrainingObserver _observer;
    readonly TrainingRunOptions _options;
    readonly SequenceModel _model;
    readonly OptimizerHelper _optimizer;
    readonly TaskSession _task;
    readonly LoopState _state;
    readonly Parameter[] _trainable;
    readonly CheckpointStore _store;
    readonly FileStream _metrics;
    readonly TensorBoardLog? _tensorBoard;
    readonly Stopwatch _clock = Stopwatch.StartNew(), _sinceCheckpoint = Stopwatch.StartNew(),
        _interval = Stopwatch.StartNew(), _sinceHeartbeat = Stopwatch.StartNew();
    readonly double _elapsedAtStart;
    long _intervalStartStep;
    /// <summary>The step of the newest checkpoint on disk (the one resumed from, at first).</summary>
    long _checkpointedStep;
    MetricsPoint? _lastPoint;

    public TrainingLoop(RunConfig config, string configHash, RunFolder folder, ITrainingObserver observer, TrainingRunOptions options,
        SequenceModel model, OptimizerHelper optimizer, TaskSession task, LoopState state, TensorBoardLog? tensorBoard)
    {
        (_config, _configHash, _folder, _observer, _options) = (config, configHash, folder, observer, options);
        _tensorBoard = tensorBoard;
        (_model, _optimizer, _task, _state) = (model, optimizer, task, state);
        _trainable = TrainingStep.Trainable(model);
        _store = new CheckpointStore(folder.Path, config.KeepCheckpoints);
        _metrics = new FileStream(folder.Metrics, FileMode.Append, FileAccess.Write, FileShare.Read);
        _elapsedAtStart = state.Elapsed;
        _intervalStartStep = state.Step;
        _checkpointedStep = state.Step;
    }

    double Elapsed => _elapsedAtStart + _clock.Elapsed.TotalSeconds;

    public RunResult Run(CancellationToken stop)
    {
        bool epochTask = _config.IsEpochTask;
        while (true)
        {
            if (PauseDue()) return Pause();
            if (epochTask)
            {
                if (_state.Epoch >= _config.Epochs) break;
                if (_state.BegunEpoch != _state.Epoch)
                {
                    _task.BeginEpoch(_state.Epoch);
                    _state.BegunEpoch = _state.Epoch;
                    _state.ResetEpoch();
                }
                if (_state.BatchInEpoch >= _task.BatchesPerEpoch)
                {
                    EndEpoch();
                    Checkpoint();
                    continue;
                }
            }
            else if (_state.Step >= _config.Iterations) break;

            if (stop.IsCancellationRequested)
            {
                Checkpoint();
                return Finish("stopped", "asked to stop; resumes from step " + _state.Step);
            }
            if (_options.Faults.Before(_state.Step) is { } injected)
                return Finish("failed", injected);
            if (_sinceHeartbeat.Elapsed.TotalSeconds >= _options.HeartbeatSeconds)
            {
                _observer.Heartbeat(_state.Step, Elapsed);
                _sinceHeartbeat.Restart();
            }

            BatchStatistics stats;
            using (var scope = torch.NewDisposeScope())
            {
                stats = TrainingStep.Run(_model, _optimizer, _task, _trainable, _config.ClipNorm, _state.BatchInEpoch);
                if (!double.IsFinite(stats.Loss))
                    return Finish("failed", $"loss became {stats.Loss} at step {_state.Step + 1}");
            }
            _state.Step++;
            _state.BatchInEpoch++;
            _state.Accumulate(stats);

            if (_state.IntervalBatches >= _config.LogEvery)
            {
                double rate = (_state.Step - _intervalStartStep) / Math.Max(_interval.Elapsed.TotalSeconds, 1e-9);
                Log(_state.TrainPoint(_task, Elapsed, Rates()) with { IterationsPerSecond = rate });
                _state.ResetInterval();
                _interval.Restart();
                _intervalStartStep = _state.Step;
            }
            bool lastIteration = !epochTask && _state.Step >= _config.Iterations;
            if (!lastIteration && (_state.Step % _config.CheckpointEvery == 0 || _sinceCheckpoint.Elapsed.TotalMinutes >= _config.CheckpointMinutes))
                Checkpoint();
        }
        if (!epochTask && _state.IntervalBatches > 0)
            Log(_state.TrainPoint(_task, Elapsed, Rates()));
        _state.ResetInterval();
        Checkpoint();
        return Finish("completed", null);
    }

    /// <summary>
    /// At the pause point: an iteration task after that many steps; an epoch task at the end of that epoch, before the next
    /// begins. Also true right after resuming from the pause point's own checkpoint: the run pauses again at once.
    /// </summary>
    bool PauseDue() => _options.PauseAt is { } at && (_config.IsEpochTask
        ? _state.Epoch == at.Count && _state.BegunEpoch < _state.Epoch
        : _state.Step == at.Count);

    RunResult Pause()
    {
        var at = _options.PauseAt!.Value;
        if (_checkpointedStep != _state.Step) Checkpoint();
        var point = _lastPoint is { } p && p.Step == _state.Step ? p : LastLoggedPoint();
        return Finish("paused", $"paused at {at}; resumes from step {_state.Step}", at, point);
    }

    /// <summary>The last line of metrics.jsonl: a run resumed at its pause point has logged nothing in this session.</summary>
    MetricsPoint? LastLoggedPoint()
    {
        _metrics.Flush();
        using var reader = new StreamReader(new FileStream(_folder.Metrics, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        string? last = null;
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) last = line;
        return last is null ? null : JsonSerializer.Deserialize<MetricsPoint>(last, MetricsJson.Options);
    }

    void EndEpoch()
    {
        var evaluation = _task.Evaluate(_model);
        _state.Epoch++;
        _state.BatchInEpoch = 0;
        if (evaluation is not null)
        {
            _state.RecordEvaluation(evaluation);
            double factor = _task.LearningRateFactor(evaluation, _state.ImprovedThisEpoch);
            if (factor != 1)
                foreach (var group in _optimizer.ParamGroups) group.LearningRate *= factor;
        }
        Log(_state.EpochPoint(_task, Elapsed, evaluation, Rates()));
    }

    LearningRates Rates() => RunOptimizer.Rates(_model, _optimizer);

    void Log(MetricsPoint point)
    {
        var line = JsonSerializer.Serialize(point, MetricsJson.Options) + "\n";
        _metrics.Write(System.Text.Encoding.UTF8.GetBytes(line));
        _metrics.Flush();
        _lastPoint = point;
        _tensorBoard?.Append(point);
        _observer.Logged(point);
    }

    void Checkpoint()
    {
        var timer = Stopwatch.StartNew();
        _metrics.Flush(flushToDisk: true);
        _state.MetricsLength = _metrics.Length;
        _state.Elapsed = Elapsed;
        var path = _store.Save(RunCheckpoint.Capture(_config, _configHash, _model, _optimizer, _task, _state));
        _checkpointedStep = _state.Step;
        _sinceCheckpoint.Restart();
        _observer.CheckpointWritten(_state.Step, path, timer.Elapsed.TotalSeconds);
    }

    RunResult Finish(string status, string? reason, TrainingPoint? pausedAt = null, MetricsPoint? pausePoint = null)
    {
        var result = new RunResult
        {
            Status = status,
            Reason = reason,
            Task = _config.Task.Name,
            Model = _config.Model.Name,
            HiddenSize = _config.HiddenSize,
            Parameters = _model.ParameterCount,
            Steps = _state.Step,
            Epochs = _state.Epoch,
            Elapsed = Elapsed,
            FinalLoss = _state.LastLoss,
            Baseline = _task.Baseline,
            FinalAccuracy = _state.LastAccuracy,
            BestTestAccuracy = _state.BestTestAccuracy,
            FinalTestAccuracy = _state.LastTestAccuracy,
            BestValidBpc = _state.BestValidBpc,
            TestBpc = _state.TestBpcAtBestValid,
            FinalBpc = _state.LastTestBpc,
            ConfigHash = _configHash,
            PausedAt = pausedAt?.ToString(),
            PausePoint = pausePoint,
        };
        DurableFile.WriteAllText(_folder.Result, JsonSerializer.Serialize(result, MetricsJson.Indented));
        _observer.Finished(result);
        return result;
    }

    public void Dispose() => _metrics.Dispose();
}
