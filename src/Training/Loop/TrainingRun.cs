using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using AsRnnGrid.Training.TensorBoard;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Loop;

/// <summary>Options of one run that are not part of its configuration.</summary>
public sealed record TrainingRunOptions
{
    /// <summary>Start over: the folder's old files are moved into previous-*/ first.</summary>
    public bool Restart { get; init; }
    /// <summary>Test-only faults (the sweep's retry, give-up and heartbeat tests).</summary>
    public InjectedFaults Faults { get; init; } = InjectedFaults.None;
    /// <summary>How long to wait for another process to release the run folder.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Seconds between heartbeats to the observer.</summary>
    public double HeartbeatSeconds { get; init; } = 5;
    /// <summary>The folder of the run's TensorBoard event files (rewritten from metrics.jsonl at the start, then appended to); null: none.</summary>
    public string? TensorBoard { get; init; }
    /// <summary>
    /// Pause here: checkpoint and end with status "paused" (an early-stopping rung; the same run without it continues from
    /// there). Operational, like the device: not part of the configuration or its hash.
    /// </summary>
    public TrainingPoint? PauseAt { get; init; }
}

/// <summary>
/// One training run, start to end, on the calling thread (TorchSharp's DisposeScopes are per thread). First everything
/// that may refuse the run, with the folder untouched: the device, the folder's checkpoint and run.yaml
/// (<see cref="RunFolderSession"/>), the task's data, the model. Then the folder is taken over, the newest checkpoint
/// restored, and <see cref="TrainingLoop"/> trains to the end or until asked to stop.
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
        FolderPath.Require(_folder.Path, "--out names the run folder");
        Device device;
        try
        {
            device = DeviceSelection.Resolve(_config.Device);
        }
        catch (ConfigurationException e)
        {
            throw new ConfigurationException($"{_folder.Path}: {e.Message}");
        }
        if (_options.PauseAt is { } pause && _config.Task.PauseProblem(pause, _config) is { } problem)
            throw new ConfigurationException($"{_folder.Path}: cannot pause at {pause}: {problem}");
        using var session = RunFolderSession.Open(_folder, _config, _configHash, _options.Restart, _options.LockWait);
        var dtype = _config.DType == "float64" ? ScalarType.Float64 : ScalarType.Float32;
        if (DataFilesCheck.Problem(_config) is { } missing) throw new ConfigurationException($"{missing}; --data_dir names the folder");
        using var task = TaskSession.Create(_config, device, dtype);
        var spec = ModelSpecResolver.Resolve(_config, task.Shape);
        using var generator = new torch.Generator((ulong)_config.RandomSeed, torch.CPU);
        using var model = ModelFactory.Create(spec, generator, device);
        using var optimizer = RunOptimizer.Create(_config, model);

        session.Accept(_observer.Warning);
        foreach (var warning in task.Warnings) _observer.Warning(warning);
        var state = new LoopState();
        var anchor = new TensorBoardLog.Anchor(MetricsPoint.WallTimeNow(), 0);
        if (session.Checkpoint is { } checkpoint)
        {
            RunCheckpoint.Restore(checkpoint.Data, checkpoint.Meta, model, optimizer, task, state);
            _observer.Resumed(state.Step, state.Epoch, checkpoint.Path);
            if (DateTimeOffset.TryParse(checkpoint.Meta.WrittenUtc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var written))
                anchor = new TensorBoardLog.Anchor(written.ToUnixTimeMilliseconds() / 1000.0, state.Elapsed);
        }
        // After Accept: metrics.jsonl is cut back to the checkpoint, and the event files are rewritten from what is left.
        using var tensorBoard = _options.TensorBoard is { } folder
            ? TensorBoardLog.Open(folder, RunYaml.Format(_config), MetricsLog.Read(_folder.Metrics, _observer.Warning), anchor, _observer.Warning)
            : null;
        _observer.Planned(_config.IsEpochTask ? (long)_config.Epochs * task.BatchesPerEpoch : _config.Iterations);
        _observer.Started(model.ParameterCount, device.ToString());
        using var loop = new TrainingLoop(_config, _configHash, _folder, _observer, _options, model, optimizer, task, state, tensorBoard);
        return loop.Run(stop);
    }
}
