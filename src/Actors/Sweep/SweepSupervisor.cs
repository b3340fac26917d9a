using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Training.Configuration;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepControl;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>Settings of one supervisor beyond the sweep file.</summary>
public sealed record SupervisorSettings
{
    /// <summary>The token trainers must present; empty accepts every trainer (one machine, no network).</summary>
    public string Token { get; init; } = "";
    /// <summary>Receives <see cref="SweepNotice"/>s and the final <see cref="SweepEnded"/>.</summary>
    public IActorRef? Listener { get; init; }
    /// <summary>How often heartbeats, due retries and the status file are looked at.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>`run --retry-failed`: runs that gave up in an earlier session get a fresh budget.</summary>
    public bool RetryFailed { get; init; }
    /// <summary>End the sweep when every trainer is quarantined (one machine); a cluster waits for new ones instead.</summary>
    public bool EndWhenNoDeviceLeft { get; init; } = true;
}

/// <summary>
/// The single source of truth of a sweep. Expands nothing itself (the <see cref="SweepDefinition"/> is read
/// before), recovers its ledger, hands runs to trainers that ask for work, retries failed attempts after an
/// exponential backoff from their last checkpoint, quarantines a device that keeps failing different runs,
/// puts back the run of a trainer that went silent or was lost, and writes sweep-status.json.
/// Every decision that must survive a crash is persisted before it takes effect.
/// </summary>
public sealed class SweepSupervisor : ReceivePersistentActor, IWithTimers
{
    public const string LedgerPersistenceId = "sweep-ledger";

    sealed record Tick;

    /// <summary>What only the live supervisor knows of a run: its last progress, its trainer, when to retry.</summary>
    sealed class LiveRun
    {
        public long Step { get; set; }
        public long? TotalSteps { get; set; }
        public double? Loss { get; set; }
        public double? Metric { get; set; }
        public string? MetricName { get; set; }
        public double? IterationsPerSecond { get; set; }
        public double? Elapsed { get; set; }
        public IActorRef? Trainer { get; set; }
        public DateTime LastHeard { get; set; }
        public DateTime? RetryAt { get; set; }
        public bool Dispatching { get; set; }
    }

    sealed class TrainerSlot(string node, string device, int slot)
    {
        public string Node { get; } = node;
        public string Device { get; } = device;
        public int Slot { get; } = slot;
        public string? Run { get; set; }
        public bool Idle { get; set; }
        public string DeviceKey => $"{Node}/{Device}";
        public string Label => $"{Device} slot {Slot}";
    }

    sealed class DeviceHealth
    {
        public List<string> FailedRuns { get; } = [];
        public bool Quarantined { get; set; }
    }

    readonly SweepDefinition _sweep;
    readonly SupervisorSettings _settings;
    readonly SweepLedger _ledger = new();
    readonly Dictionary<string, PlannedRun> _plan;
    readonly Dictionary<string, LiveRun> _live;
    readonly Dictionary<IActorRef, TrainerSlot> _trainers = new();
    readonly Dictionary<string, DeviceHealth> _devices = new(StringComparer.Ordinal);
    readonly ILoggingAdapter _log = Context.GetLogger();
    bool _stopping;
    bool _ended;
    bool _dirty = true;

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId => LedgerPersistenceId;

    public static Props Props(SweepDefinition sweep, SupervisorSettings settings) =>
        Akka.Actor.Props.Create(() => new SweepSupervisor(sweep, settings));

    public SweepSupervisor(SweepDefinition sweep, SupervisorSettings settings)
    {
        _sweep = sweep;
        _settings = settings;
        _plan = sweep.Runs.ToDictionary(r => r.Id, StringComparer.Ordinal);
        _live = sweep.Runs.ToDictionary(r => r.Id, _ => new LiveRun(), StringComparer.Ordinal);

        Recover<ILedgerEvent>(e => _ledger.Apply(e));
        Recover<RecoveryCompleted>(_ => Recovered());

        Command<WorkerHello>(m =>
        {
            Notice($"worker {m.Node} joined");
            Sender.Tell(new SweepInfo(_sweep.Results, _sweep.File, _sweep.HeartbeatTimeoutSeconds));
        });
        Command<WorkerCannotJoin>(m => Notice($"worker {m.Node} cannot take part: {m.Reason}"));
        Command<RequestWork>(OnRequestWork);
        Command<RunProgress>(OnProgress);
        Command<SweepProtocol.RunResumed>(m => IfCurrent(m.RunId, m.Attempt, run =>
        {
            var live = _live[m.RunId];
            live.Step = m.Step;
            live.LastHeard = DateTime.UtcNow;
            Persist(new LedgerEvents.RunResumed(m.RunId, m.Attempt, m.Step), e =>
            {
                _ledger.Apply(e);
                Notice($"{m.RunId} resumed from step {m.Step} (attempt {m.Attempt})");
            });
        }));
        Command<SweepProtocol.RunCheckpointed>(m => IfCurrent(m.RunId, m.Attempt, _ =>
        {
            _live[m.RunId].LastHeard = DateTime.UtcNow;
            Persist(new LedgerEvents.RunCheckpointed(m.RunId, m.Attempt, m.Step), e => { _ledger.Apply(e); _dirty = true; });
        }));
        Command<RunEnded>(OnRunEnded);
        Command<Terminated>(OnTrainerTerminated);
        Command<Tick>(_ => OnTick());
        Command<StopSweep>(OnStop);
        Command<GetStatus>(_ => Sender.Tell(BuildStatus()));
    }

    protected override void PreStart()
    {
        base.PreStart();
        Timers.StartPeriodicTimer("tick", new Tick(), _settings.Tick);
    }

    void Recovered()
    {
        var events = new List<ILedgerEvent>();
        foreach (var run in _sweep.Runs)
        {
            var known = _ledger.Find(run.Id);
            if (known is null)
                events.Add(new RunPlanned(run.Id, run.Experiment, ConfigHash.Compute(run.Config)));
            else if (known.State == "running")
                // The previous supervisor died with this run in flight: not the run's fault.
                events.Add(new AttemptEnded(run.Id, known.Attempt, "interrupted: the supervisor stopped", false, known.Node, known.Device));
            else if (known.State == "failed" && _settings.RetryFailed)
                events.Add(new RunReset(run.Id, $"retry requested after: {known.Reason}"));
            if (known?.CheckpointStep is { } step) _live[run.Id].Step = step;
        }
        int done = _sweep.Runs.Count(r => _ledger.Find(r.Id)?.State == "completed");
        if (events.Count == 0)
        {
            AfterRecovery(done);
            return;
        }
        int handled = 0;
        PersistAll(events, e =>
        {
            _ledger.Apply(e);
            if (++handled == events.Count) AfterRecovery(done);
        });
    }

    void AfterRecovery(int done)
    {
        var interrupted = _sweep.Runs.Count(r => _ledger.Find(r.Id)?.Attempts.Count > 0 && _ledger.Find(r.Id)!.State == "pending");
        Notice($"ledger: {_sweep.Runs.Count} runs, {done} completed, {interrupted} to resume, " +
               $"{_sweep.Runs.Count(r => _ledger.Find(r.Id)!.State == "failed")} failed");
        _dirty = true;
        WriteStatus();
        CheckEnd();
    }

    void OnRequestWork(RequestWork m)
    {
        if (_settings.Token.Length > 0 && m.Token != _settings.Token)
        {
            Notice($"refused trainer {m.Device} slot {m.Slot} of {m.Node}: wrong sweep token");
            Sender.Tell(new TrainerRefused("wrong sweep token: this trainer belongs to another sweep or lacks the results folder's token"));
            return;
        }
        if (!_trainers.TryGetValue(Sender, out var slot))
        {
            slot = new TrainerSlot(m.Node, m.Device, m.Slot);
            _trainers[Sender] = slot;
            Context.Watch(Sender);
            _dirty = true;
        }
        if (slot.Run is { } previous && _ledger.Find(previous) is { State: "running" } stale && _live[previous].Trainer?.Equals(Sender) == true)
        {
            // The trainer asks for work while the ledger still has it on a run: its report was lost with a restart.
            EndAttempt(previous, stale.Attempt, "the trainer gave up the run without a report", countsAsFailure: false);
        }
        slot.Run = null;
        slot.Idle = true;
        Dispatch();
    }

    void Dispatch()
    {
        if (_stopping || _ended || IsRecovering) return;
        var now = DateTime.UtcNow;
        foreach (var (trainer, slot) in _trainers.ToArray())
        {
            if (!slot.Idle || Health(slot.DeviceKey).Quarantined) continue;
            var next = _sweep.Runs.FirstOrDefault(r =>
                _ledger.Find(r.Id)?.State == "pending" && !_live[r.Id].Dispatching && (_live[r.Id].RetryAt is not { } at || at <= now));
            if (next is null) return;
            var live = _live[next.Id];
            live.Dispatching = true;
            slot.Idle = false;
            slot.Run = next.Id;
            int attempt = _ledger.Find(next.Id)!.Attempt + 1;
            Persist(new RunStarted(next.Id, attempt, slot.Node, slot.Label, DateTimeOffset.UtcNow), e =>
            {
                _ledger.Apply(e);
                live.Dispatching = false;
                live.RetryAt = null;
                live.Trainer = trainer;
                live.LastHeard = DateTime.UtcNow;
                _dirty = true;
                trainer.Tell(RunDispatch.Assign(next, attempt, _sweep.Results));
                Notice($"{next.Id} started on {slot.Node} {slot.Label} (attempt {attempt})");
            });
        }
    }

    void IfCurrent(string runId, int attempt, Action<LedgerRun> act)
    {
        var run = _ledger.Find(runId);
        if (run is { State: "running" } && run.Attempt == attempt && _live[runId].Trainer?.Equals(Sender) == true)
            act(run);
        else
            _log.Debug("ignored a late report of {0} attempt {1}", runId, attempt);
    }

    void OnProgress(RunProgress m) => IfCurrent(m.RunId, m.Attempt, _ =>
    {
        var live = _live[m.RunId];
        live.LastHeard = DateTime.UtcNow;
        live.Step = m.Step;
        if (m.TotalSteps is { } total) live.TotalSteps = total;
        if (m.Loss is { } loss) live.Loss = loss;
        if (m.Metric is { } metric) { live.Metric = metric; live.MetricName = m.MetricName; }
        if (m.IterationsPerSecond is { } rate) live.IterationsPerSecond = rate;
        if (m.Elapsed is { } elapsed) live.Elapsed = elapsed;
        _dirty = true;
    });

    void OnRunEnded(RunEnded m) => IfCurrent(m.RunId, m.Attempt, run =>
    {
        if (_trainers.TryGetValue(Sender, out var slot)) slot.Run = null;
        var live = _live[m.RunId];
        live.Trainer = null;
        switch (m.Outcome)
        {
            case "completed":
                var summary = m.Summary ?? new RunSummary(live.Step, live.Loss, live.Metric, live.MetricName, live.Elapsed ?? 0);
                Persist(new RunCompleted(m.RunId, m.Attempt, summary), e =>
                {
                    _ledger.Apply(e);
                    live.Step = summary.Steps;
                    if (slot is not null) Health(slot.DeviceKey).FailedRuns.Clear();
                    Notice($"{m.RunId} completed: {Describe(summary)}");
                    _dirty = true;
                    CheckEnd();
                });
                break;
            case "failed":
                EndAttempt(m.RunId, m.Attempt, m.Reason ?? "failed", countsAsFailure: true, slot);
                break;
            default:
                EndAttempt(m.RunId, m.Attempt, m.Reason ?? m.Outcome, countsAsFailure: false, slot);
                break;
        }
    });

    void EndAttempt(string runId, int attempt, string reason, bool countsAsFailure, TrainerSlot? slot = null)
    {
        var known = _ledger.Find(runId)!;
        var live = _live[runId];
        live.Trainer = null;
        // Decide everything first and persist it as one batch: the ledger never holds half a decision.
        var events = new List<ILedgerEvent> { new AttemptEnded(runId, attempt, reason, countsAsFailure, known.Node, known.Device) };
        int failures = known.Failures + (countsAsFailure ? 1 : 0);
        bool givesUp = countsAsFailure && failures > _sweep.MaxRetries;
        if (givesUp) events.Add(new RunGaveUp(runId, reason));
        if (countsAsFailure && slot is not null && DeviceFailure(slot, runId, reason) is { } quarantine) events.Add(quarantine);
        int handled = 0;
        PersistAll(events, e =>
        {
            _ledger.Apply(e);
            _dirty = true;
            if (e is DeviceQuarantined q) Notice($"device {q.Device} of {q.Node} taken out of service: {q.Reason}");
            if (++handled < events.Count) return;
            if (!countsAsFailure)
                Notice($"{runId} back in the queue: {reason}");
            else if (givesUp)
                Notice($"{runId} failed after {failures} attempts: {reason}");
            else
            {
                var backoff = TimeSpan.FromSeconds(_sweep.RetryBackoffSeconds * Math.Pow(2, failures - 1));
                live.RetryAt = DateTime.UtcNow + backoff;
                Notice($"{runId} attempt {attempt} failed: {reason}; retry {failures} of {_sweep.MaxRetries} in {backoff.TotalSeconds:0.#} s");
            }
            Dispatch();
            CheckEnd();
        });
    }

    /// <summary>Counts a failed attempt against its device; the quarantine event once different runs keep failing there.</summary>
    DeviceQuarantined? DeviceFailure(TrainerSlot slot, string runId, string reason)
    {
        var health = Health(slot.DeviceKey);
        if (health.Quarantined) return null;
        if (!health.FailedRuns.Contains(runId)) health.FailedRuns.Add(runId);
        if (health.FailedRuns.Count < _sweep.QuarantineAfter) return null;
        health.Quarantined = true;
        return new DeviceQuarantined(slot.Node, slot.Device, $"{health.FailedRuns.Count} different runs failed on it in a row (last: {reason})");
    }

    DeviceHealth Health(string key)
    {
        if (!_devices.TryGetValue(key, out var health)) _devices[key] = health = new DeviceHealth();
        return health;
    }

    void OnTrainerTerminated(Terminated t)
    {
        if (!_trainers.Remove(t.ActorRef, out var slot)) return;
        _dirty = true;
        var running = _live.FirstOrDefault(kv => kv.Value.Trainer?.Equals(t.ActorRef) == true).Key;
        if (running is not null && _ledger.Find(running) is { State: "running" } run)
            EndAttempt(running, run.Attempt, $"trainer {slot.Device} slot {slot.Slot} of {slot.Node} lost", countsAsFailure: false);
        CheckEnd();
    }

    void OnTick()
    {
        if (_ended) return;
        var now = DateTime.UtcNow;
        // Half again the trainers' own timeout: a live trainer kills a silent child first and reports it.
        var timeout = TimeSpan.FromSeconds(_sweep.HeartbeatTimeoutSeconds * 1.5);
        foreach (var (id, live) in _live)
        {
            if (live.Trainer is not { } trainer || _ledger.Find(id) is not { State: "running" } run) continue;
            if (now - live.LastHeard <= timeout) continue;
            trainer.Tell(new StopRun(id, run.Attempt, "no heartbeat"));
            if (_trainers.TryGetValue(trainer, out var slot)) slot.Run = null;
            EndAttempt(id, run.Attempt, $"no word from its trainer for {timeout.TotalSeconds:0} s", countsAsFailure: true);
        }
        Dispatch();
        WriteStatus();
    }

    void OnStop(StopSweep m)
    {
        if (_stopping) return;
        _stopping = true;
        Notice($"stopping: {m.Reason}; every run checkpoints");
        foreach (var (id, live) in _live)
            if (live.Trainer is { } trainer && _ledger.Find(id) is { State: "running" } run)
                trainer.Tell(new StopRun(id, run.Attempt, "the sweep is stopping"));
        CheckEnd();
    }

    void CheckEnd()
    {
        if (_ended || IsRecovering) return;
        var states = _sweep.Runs.Select(r => _ledger.Find(r.Id)?.State ?? "pending").ToArray();
        bool anyRunning = states.Contains("running") || _live.Values.Any(l => l.Dispatching);
        string? end = null;
        if (states.All(s => s is "completed" or "failed")) end = "finished";
        else if (_stopping && !anyRunning) end = "stopped";
        else if (_settings.EndWhenNoDeviceLeft && !anyRunning && _trainers.Count > 0
                 && _trainers.Values.All(t => Health(t.DeviceKey).Quarantined)) end = "stalled";
        if (end is null) return;
        _ended = true;
        var ended = new SweepEnded(end,
            states.Count(s => s == "completed"),
            states.Count(s => s == "failed"),
            _sweep.Runs.Count(r => _ledger.Find(r.Id)?.Attempts.Count > 1),
            states.Count(s => s is not ("completed" or "failed")));
        _dirty = true;
        WriteStatus();
        Notice($"sweep {end}: {ended.Completed} completed, {ended.Failed} failed, {ended.Retried} retried, {ended.NotDone} not done");
        _settings.Listener?.Tell(ended);
    }

    void Notice(string text)
    {
        _log.Info(text);
        _settings.Listener?.Tell(new SweepNotice(DateTimeOffset.Now, text));
    }

    static string Describe(RunSummary s) =>
        $"{s.Steps} steps" + (s.FinalLoss is { } l ? $", loss {l:0.####}" : "") + (s.Metric is { } m ? $", {s.MetricName} {m:0.####}" : "");

    void WriteStatus()
    {
        if (!_dirty) return;
        _dirty = false;
        try
        {
            BuildStatus().Write(_sweep.Results);
        }
        catch (IOException e)
        {
            // The status file is a convenience; the ledger is the record. Never stop the sweep for it.
            _log.Warning("could not write {0}: {1}", SweepStatus.PathIn(_sweep.Results), e.Message);
        }
    }

    SweepStatus BuildStatus()
    {
        var now = DateTime.UtcNow;
        var runs = _sweep.Runs.Select(r =>
        {
            var known = _ledger.Find(r.Id);
            var live = _live[r.Id];
            var state = known?.State ?? "pending";
            if (state == "pending" && live.RetryAt is { } at && at > now) state = "retrying";
            var summary = known?.Summary;
            return new RunStatus
            {
                Id = r.Id,
                Experiment = r.Experiment,
                Task = r.Config.Task.Name,
                Model = r.Config.Model.Name,
                HiddenSize = r.Config.HiddenSize,
                Seed = r.Config.RandomSeed,
                State = state,
                Attempt = known?.Attempt ?? 0,
                Failures = known?.Failures ?? 0,
                Node = known?.Node,
                Device = known?.Device,
                Step = summary?.Steps ?? live.Step,
                TotalSteps = live.TotalSteps ?? (r.Config.IsEpochTask ? null : r.Config.Iterations),
                CheckpointStep = known?.CheckpointStep,
                Loss = summary?.FinalLoss ?? live.Loss,
                Metric = summary?.Metric ?? live.Metric,
                MetricName = summary?.MetricName ?? live.MetricName,
                IterationsPerSecond = state == "running" ? live.IterationsPerSecond : null,
                Elapsed = summary?.Elapsed ?? live.Elapsed,
                Reason = known?.Reason,
                Folder = Path.Combine("runs", r.Id),
                Attempts = known?.Attempts.Select(a => new AttemptStatus
                {
                    Attempt = a.Attempt, Node = a.Node, Device = a.Device, Started = a.Started,
                    ResumedFrom = a.ResumedFrom, Outcome = a.Outcome,
                }).ToArray() ?? [],
            };
        }).ToArray();
        var devices = _trainers.Values
            .OrderBy(t => t.Node, StringComparer.Ordinal).ThenBy(t => t.Device, StringComparer.Ordinal).ThenBy(t => t.Slot)
            .Select(t => new DeviceStatus
            {
                Node = t.Node,
                Device = t.Label,
                State = Health(t.DeviceKey).Quarantined ? "quarantined" : t.Run is not null ? "busy" : "idle",
                Run = t.Run,
                ConsecutiveFailures = Health(t.DeviceKey).FailedRuns.Count,
            }).ToArray();
        return new SweepStatus
        {
            SweepFile = _sweep.File,
            Updated = DateTimeOffset.Now,
            State = _ended ? runs.All(r => r.State is "completed" or "failed") ? "finished" : "stopped" : "running",
            Runs = runs,
            Devices = devices,
        };
    }
}
