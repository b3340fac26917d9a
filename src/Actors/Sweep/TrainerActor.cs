using System.Globalization;
using Akka.Actor;
using Akka.Event;
using AsRnnGrid.Actors.Sweep.Gpu;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// One device slot. Asks the supervisor for work, runs each assigned run as an `asrnn-grid train` child process,
/// turns its JSON progress into protocol messages, and reports how the attempt ended. Stopping is SIGTERM (the
/// run checkpoints and exits), then SIGKILL after the grace period; silence past the heartbeat timeout kills
/// the child and fails the attempt. A GPU slot reads its GPU (its node's <see cref="GpuMonitor"/>) before it asks for
/// work and sends the reading along, and reads it again while it waits, so that the supervisor hands it a run only
/// when the GPU has room; a child whose error output says CUDA ran out of memory ends as
/// <see cref="RunEndOutcome.OutOfMemory"/>.
/// </summary>
public sealed class TrainerActor : ReceiveActor, IWithTimers
{
    /// <summary>The node is leaving: stop the current run (it checkpoints and is reported stopped), take no more work, then stop.</summary>
    public sealed record Drain
    {
        public static readonly Drain Instance = new();
    }

    sealed record ChildLine(int Attempt, string Line);
    sealed record ChildExited(int Attempt, int ExitCode);
    sealed record CheckSilence;
    sealed record KillAfterGrace(int Attempt);
    sealed record RecheckGpu
    {
        public static readonly RecheckGpu Instance = new();
    }

    sealed class Current(AssignRun run, TrainProcess process)
    {
        public AssignRun Run { get; } = run;
        public TrainProcess Process { get; } = process;
        public DateTime LastHeard { get; set; } = DateTime.UtcNow;
        public RunSummary? Summary { get; set; }
        public string? FinishedStatus { get; set; }
        public string? FinishedReason { get; set; }
        public MetricsPoint? PausePoint { get; set; }
        /// <summary>Why the trainer itself ended the child (silence, a stop request): the attempt's reason.</summary>
        public string? EndedBecause { get; set; }
        public bool Stopping { get; set; }
    }

    readonly TrainerSettings _settings;
    readonly IActorRef _supervisor;
    /// <summary>The node's GPU monitor, for a GPU slot where the node has one; null: asks without a reading.</summary>
    readonly IActorRef? _gpu;
    readonly ILoggingAdapter _log = Context.GetLogger();
    Current? _current;
    bool _draining;
    /// <summary>It asked the monitor for a reading to send with its request for work.</summary>
    bool _askingAfterReading;
    /// <summary>It asked for work and has none yet: a changed reading goes to the supervisor.</summary>
    bool _waitingForWork;
    GpuReading? _lastSent;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TrainerSettings settings, IActorRef supervisor, IActorRef? gpu = null) =>
        Akka.Actor.Props.Create(() => new TrainerActor(settings, supervisor, gpu));

    public TrainerActor(TrainerSettings settings, IActorRef supervisor, IActorRef? gpu)
    {
        _settings = settings;
        _supervisor = supervisor;
        _gpu = gpu;

        Receive<AssignRun>(Start);
        Receive<GpuMonitor.Reading>(OnGpuReading);
        Receive<RecheckGpu>(_ =>
        {
            if (_waitingForWork) _gpu?.Tell(new GpuMonitor.Read(_settings.Device));
        });
        Receive<ChildLine>(m => m.Attempt == _current?.Run.Attempt, m => OnLine(_current!, m.Line));
        Receive<ChildExited>(m => m.Attempt == _current?.Run.Attempt, m => OnExit(_current!, m.ExitCode));
        Receive<StopRun>(m => m.RunId == _current?.Run.RunId && m.Attempt == _current.Run.Attempt, m => Stop(_current!, m.Reason));
        Receive<StopRun>(_ => { });
        Receive<KillAfterGrace>(m => m.Attempt == _current?.Run.Attempt, _ =>
        {
            _log.Warning("{0}: run {1} did not stop within {2}; killing it", _settings.Name, _current!.Run.RunId, _settings.StopGrace);
            _current.Process.Kill();
        });
        Receive<CheckSilence>(_ =>
        {
            if (_current is { Stopping: false } c && DateTime.UtcNow - c.LastHeard > _settings.HeartbeatTimeout)
            {
                c.EndedBecause = $"no progress for {_settings.HeartbeatTimeout.TotalSeconds:0} s; killed";
                c.Process.Kill();
            }
        });
        Receive<TrainerRefused>(m =>
        {
            _log.Error("{0}: refused by the supervisor: {1}", _settings.Name, m.Reason);
            Context.Parent.Tell(m);
            Context.Stop(Self);
        });
        Receive<Drain>(_ =>
        {
            _draining = true;
            if (_current is { } c) Stop(c, "its node is leaving the cluster");
            else Context.Stop(Self);
        });
    }

    protected override void PreStart()
    {
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(200).Ticks, _settings.HeartbeatTimeout.Ticks / 4));
        Timers.StartPeriodicTimer("silence", new CheckSilence(), period);
        AskForWork();
    }

    /// <summary>A crash of this actor (not of the child) is retried by the supervisor as a failed attempt.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        if (_current is { } c)
        {
            _supervisor.Tell(new RunEnded(c.Run.RunId, c.Run.Attempt, RunEndOutcome.Failed, $"trainer crashed: {reason.Message}", null));
            StopChild(c);
        }
        _current = null;
        base.PreRestart(reason, message);
    }

    protected override void PostStop()
    {
        if (_current is { } c) StopChild(c);
        _current = null;
    }

    /// <summary>Gives the child its grace period to checkpoint, then kills it: the node is going away.</summary>
    void StopChild(Current c)
    {
        c.Process.Terminate();
        if (!c.Process.WaitForExit(_settings.StopGrace)) c.Process.Kill();
        c.Process.Dispose();
    }

    void AskForWork()
    {
        if (_gpu is null)
        {
            _supervisor.Tell(new RequestWork(_settings.Node, _settings.Device, _settings.Slot, _settings.Token));
            return;
        }
        _askingAfterReading = true;
        _gpu.Tell(new GpuMonitor.Read(_settings.Device));
    }

    /// <summary>The GPU check before a start: the reading goes with the request for work, and again whenever it changes while it waits.</summary>
    void OnGpuReading(GpuMonitor.Reading m)
    {
        if (_askingAfterReading)
        {
            _askingAfterReading = false;
            _waitingForWork = true;
            _lastSent = m.Gpu;
            _supervisor.Tell(new RequestWork(_settings.Node, _settings.Device, _settings.Slot, _settings.Token, m.Gpu, _settings.Gpu.Options));
            Timers.StartPeriodicTimer("gpu", RecheckGpu.Instance, _settings.Gpu.RecheckEvery);
        }
        else if (_waitingForWork && !m.Gpu.SameAs(_lastSent))
        {
            _lastSent = m.Gpu;
            _supervisor.Tell(new GpuChanged(m.Gpu));
        }
    }

    void Start(AssignRun run)
    {
        _waitingForWork = false;
        Timers.Cancel("gpu");
        if (_current is not null)
        {
            // Cannot happen with work pulling; say so rather than silently dropping the run.
            _supervisor.Tell(new RunEnded(run.RunId, run.Attempt, RunEndOutcome.Requeue, $"{_settings.Name} is busy with {_current.Run.RunId}", null));
            return;
        }
        // The child trains what the sweep resolved: the run.yaml the supervisor wrote from the run's configuration.
        var args = new List<string> { "train", "--config", Path.Combine(run.Folder, RunYaml.FileName), "--out", run.Folder,
            "--device", _settings.Device, "--progress", "json", "--stop-with-parent" };
        if (run.TensorBoard is { } tensorBoard) args.AddRange(["--tensorboard", tensorBoard]);
        // Where to pause is the trainer's word to the child, never the configuration's: run ids and checkpoints stay as they are.
        if (run.Pause is { } pause) args.AddRange(["--pause-at", pause.At.ToString()]);
        args.AddRange(_settings.Faults.ArgumentsFor(run.RunId, run.Attempt));
        var self = Self;
        var attempt = run.Attempt;
        try
        {
            var process = TrainProcess.Start(_settings.Launcher, args, _settings.Threads,
                line => self.Tell(new ChildLine(attempt, line)),
                code => self.Tell(new ChildExited(attempt, code)));
            _current = new Current(run, process);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            _supervisor.Tell(new RunEnded(run.RunId, run.Attempt, RunEndOutcome.Failed, $"could not start train: {e.Message}", null));
            AskForWork();
        }
    }

    void OnLine(Current c, string text)
    {
        c.LastHeard = DateTime.UtcNow;
        var run = c.Run;
        switch (ChildProgress.Parse(text))
        {
            case ChildProgress.Started started:
                _supervisor.Tell(new RunProgress(run.RunId, run.Attempt, 0, started.TotalSteps, null, null, null, null, null));
                break;
            case ChildProgress.Resumed resumed:
                _supervisor.Tell(new RunResumed(run.RunId, run.Attempt, resumed.Step));
                break;
            case ChildProgress.Logged { Point: var point }:
            {
                var (metric, name) = run.Config.Task.Headline(point);
                _supervisor.Tell(new RunProgress(run.RunId, run.Attempt, point.Step, null, point.Loss, metric, name, point.IterationsPerSecond, point.Elapsed));
                break;
            }
            case ChildProgress.Heartbeat heartbeat:
                _supervisor.Tell(new RunProgress(run.RunId, run.Attempt, heartbeat.Step, null, null, null, null, null, heartbeat.Elapsed));
                break;
            case ChildProgress.CheckpointWritten checkpoint:
                _supervisor.Tell(new RunCheckpointed(run.RunId, run.Attempt, checkpoint.Step));
                break;
            case ChildProgress.Warning warning:
                _log.Warning("{0}: {1}", run.RunId, warning.Message);
                break;
            case ChildProgress.Finished { Result: var result }:
                c.FinishedStatus = result.Status;
                c.FinishedReason = result.Reason;
                c.PausePoint = result.PausePoint;
                c.Summary = RunSummary.Of(run.Config, result);
                break;
        }
    }

    void OnExit(Current c, int code)
    {
        Timers.Cancel("kill");
        var run = c.Run;
        var (outcome, reason) = code switch
        {
            (int)ExitCode.Success when c.FinishedStatus == "completed" => (RunEndOutcome.Completed, (string?)null),
            (int)ExitCode.Paused when c.FinishedStatus == "paused" && run.Pause is not null => (RunEndOutcome.Paused, c.FinishedReason),
            (int)ExitCode.Stopped => (RunEndOutcome.Stopped, c.EndedBecause ?? c.FinishedReason ?? "stopped"),
            (int)ExitCode.Failed => (RunEndOutcome.Failed, c.FinishedReason ?? "failed"),
            _ when c.EndedBecause is { } why => (c.Stopping ? RunEndOutcome.Stopped : RunEndOutcome.Failed, why),
            _ when CudaOutOfMemory.In(c.Process.StderrTail) => (RunEndOutcome.OutOfMemory, ExitDescription(code, c.Process.StderrTail)),
            _ => (RunEndOutcome.Failed, ExitDescription(code, c.Process.StderrTail)),
        };
        _supervisor.Tell(new RunEnded(run.RunId, run.Attempt, outcome, reason, outcome == RunEndOutcome.Completed ? c.Summary : null,
            outcome == RunEndOutcome.Paused ? Rung(run.Pause!, c.Summary?.Steps ?? 0, c.PausePoint) : null));
        c.Process.Dispose();
        _current = null;
        if (_draining) Context.Stop(Self);
        else AskForWork();
    }

    /// <summary>The rung's result from the child's log line at its pause point; a value that is not a number is none (it ranks last).</summary>
    static RungResult Rung(RungTarget target, long step, MetricsPoint? point)
    {
        var value = point is null ? null : target.Metric.Of(point);
        return new RungResult(target.At, step, target.Metric, value is { } v && double.IsFinite(v) ? v : null);
    }

    static string ExitDescription(int code, string stderr)
    {
        var what = code > 128 ? $"killed by signal {code - 128}" : $"exit code {code.ToString(CultureInfo.InvariantCulture)}";
        return stderr.Length > 0 ? $"{what}: {stderr}" : what;
    }

    void Stop(Current c, string reason)
    {
        if (c.Stopping) return;
        c.Stopping = true;
        c.EndedBecause = reason;
        c.Process.Terminate();
        Timers.StartSingleTimer("kill", new KillAfterGrace(c.Run.Attempt), _settings.StopGrace);
    }
}
