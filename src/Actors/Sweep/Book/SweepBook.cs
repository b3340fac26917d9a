using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Actors.Sweep.Gpu;
using AsRnnGrid.Training.Configuration;
using static AsRnnGrid.Actors.Sweep.Book.BookCommands;
using static AsRnnGrid.Actors.Sweep.Book.LiveEvents;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepControl;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>
/// The supervisor's decisions, free of actors, processes and clocks: <see cref="Decide"/> takes the state, a command and
/// the time and returns events; <see cref="Apply"/> is the only way the state changes. The supervisor journals the
/// <see cref="ILedgerEvent"/>s before it applies them, applies the <see cref="LiveEvents.ILiveEvent"/>s as they come,
/// and performs what they say (hand a run to a trainer, ask one to stop); replaying the journal through
/// <see cref="Apply"/> gives a restarted supervisor back every run, attempt and quarantined device.
/// <para>
/// Policy: a run is handed to a trainer that waits for work, in sweep-file order, once it is pending and its backoff has
/// passed, unless the trainer's device is quarantined or its slot paused (<see cref="Dispatch"/>), and only when the
/// trainer's GPU has room for it (<see cref="GpuRoom"/>: else the slot waits, visibly, and the run stays for others). An
/// attempt that fails spends one of max_retries and waits retry_backoff × 2^(failures − 1) before it is retried from its
/// checkpoint; past max_retries the run is failed and the sweep goes on. An interruption (a stop, a lost trainer or node,
/// a restart of the supervisor) spends nothing (<see cref="AttemptEndCause"/>). An attempt that ran out of GPU memory
/// spends nothing and counts nothing towards quarantine, but waits out the same backoff (doubled for each such attempt of
/// the run in a row, at most the pause); after OutOfMemoryInARow (3) of them in a row on one device the slot of the last
/// one is paused for a while. A device on which quarantine_after different runs failed in a row
/// (no run completing there in between) is quarantined until `--clear-quarantine`. A running attempt not heard of for
/// 1.5 × heartbeat_timeout is stopped and failed. The sweep ends finished (every run completed, failed or stopped early),
/// stopped (asked, and nothing runs any more) or stalled (nothing runs and every trainer's device is quarantined).
/// </para>
/// <para>
/// Early stopping (an experiment's `scheduler: type: asha`; <see cref="RungLadder"/>): a run pauses at its next rung and
/// waits; a free slot takes, in order, a pending run of a configuration already begun (interrupted, retried, promoted),
/// then a promotion (a waiting configuration among the best of its rung, highest rung first), then the first run of a
/// configuration not yet begun. Rung results, promotions, stops and runs sent on are ledger events, so a restarted
/// supervisor makes the same next decisions.
/// </para>
/// Every decision is indexed (waiting trainers, pending runs in order, backoffs by due time, running attempts): none
/// scans the whole sweep but recovery, the end and `status`.
/// </summary>
public sealed class SweepBook
{
    readonly List<BookRun> _plan;
    readonly Dictionary<string, BookRun> _runs = new(StringComparer.Ordinal);
    readonly Dictionary<TrainerId, TrainerSlot> _trainers = [];
    /// <summary>Trainers that asked for work and have none, in the order they joined.</summary>
    readonly SortedSet<int> _waiting = [];
    readonly Dictionary<DeviceId, DeviceHealth> _devices = [];
    readonly RunQueue _queue = new();
    /// <summary>Running attempts with their trainer: what heartbeats and a stop look at.</summary>
    readonly HashSet<BookRun> _held = [];
    /// <summary>Waiting trainers whose GPU lacked room for the run they would take.</summary>
    readonly HashSet<TrainerId> _roomWaiting = [];
    readonly int[] _counts = new int[Enum.GetValues<RunState>().Length];
    readonly List<RungLadder> _ladders = [];
    DateTime _lastJoin = DateTime.MinValue;

    public SweepBook(IReadOnlyList<PlannedRun> plan, SweepPolicy policy)
    {
        Policy = policy;
        _plan = new List<BookRun>(plan.Count);
        foreach (var p in plan)
        {
            var run = new BookRun(p.Id, p.Experiment) { Plan = p, PlanIndex = _plan.Count };
            if (!_runs.TryAdd(p.Id, run)) throw new ArgumentException($"run {p.Id} is planned twice", nameof(plan));
            _plan.Add(run);
            _counts[(int)RunState.Pending]++;
        }
        if (policy.EarlyStopping.Count > 0) BuildLadders(policy.EarlyStopping);
    }

    /// <summary>Each early-stopping experiment's configurations: its runs grouped by everything but the seed (or each alone).</summary>
    void BuildLadders(IReadOnlyDictionary<string, EarlyStopping> earlyStopping)
    {
        foreach (var experiment in _plan.GroupBy(r => r.Experiment))
        {
            if (!earlyStopping.TryGetValue(experiment.Key, out var settings)) continue;
            var ladder = new RungLadder(experiment.Key, settings);
            var groups = experiment
                .GroupBy(r => settings.Seeds == SeedGrouping.Mean ? ConfigHash.Compute(r.Plan!.Config with { RandomSeed = 0 }) : r.Id)
                .Select(g => g.ToList()).ToList();
            for (int i = 0; i < groups.Count; i++)
            {
                // Named as the sweep names it: the runs' label without the seed, or with it where each run ranks alone.
                var label = groups[i][0].Plan!.Label;
                var group = new RungGroup(ladder, groups[i], settings.Rungs(groups[i][0].Plan!.Config))
                {
                    Label = settings.Seeds == SeedGrouping.Mean ? label.Configuration : label.Text,
                };
                foreach (var run in groups[i]) run.Group = group;
                ladder.Add(group);
            }
            _ladders.Add(ladder);
        }
    }

    /// <summary>The book a restarted supervisor starts from: this plan and the journalled state of a snapshot (the events after it are applied next).</summary>
    public static SweepBook FromSnapshot(IReadOnlyList<PlannedRun> plan, SweepPolicy policy, BookSnapshot snapshot)
    {
        var book = new SweepBook(plan, policy);
        book.Restore(snapshot);
        return book;
    }

    /// <summary>Only from the constructor's side: the state the snapshot's events built, before any other event.</summary>
    void Restore(BookSnapshot snapshot)
    {
        foreach (var s in snapshot.Runs)
        {
            if (!_runs.TryGetValue(s.Id, out var run)) _runs[s.Id] = run = new BookRun(s.Id, s.Experiment);
            run.Planned = true;
            run.ConfigHash = s.ConfigHash;
            run.Attempt = s.Attempt;
            run.Failures = s.Failures;
            run.Node = s.Node;
            run.Device = s.Device;
            run.CheckpointStep = s.CheckpointStep;
            run.Reason = s.Reason;
            run.Summary = s.Summary;
            foreach (var a in s.Attempts)
                run.Attempts.Add(new AttemptRecord(a.Attempt, a.Node, a.Device, a.Started) { ResumedFrom = a.ResumedFrom, Outcome = a.Outcome, OutcomeReason = a.OutcomeReason });
            SetState(run, s.State == RunState.Retrying ? RunState.Pending : s.State);
        }
        foreach (var r in snapshot.Rungs)
        {
            if (!_runs.TryGetValue(r.Id, out var run)) continue;
            run.RungResults.AddRange(r.Results);
            run.PromotedFrom.UnionWith(r.PromotedFrom);
        }
        foreach (var ladder in _ladders) ladder.Changed();
        foreach (var q in snapshot.Quarantines) Health(DeviceId.Of(q.Node, q.Device)).Quarantine = q;
    }

    /// <summary>The journalled state now, as immutable records another actor may serialise.</summary>
    public BookSnapshot Snapshot()
    {
        var runs = new List<RunSnapshot>(_runs.Count);
        foreach (var r in _runs.Values)
        {
            if (!r.Planned) continue;
            var attempts = new AttemptSnapshot[r.Attempts.Count];
            for (int i = 0; i < attempts.Length; i++)
            {
                var a = r.Attempts[i];
                attempts[i] = new AttemptSnapshot(a.Attempt, a.Node, a.Device, a.Started, a.ResumedFrom, a.Outcome, a.OutcomeReason);
            }
            runs.Add(new RunSnapshot(r.Id, r.Experiment, r.ConfigHash, r.State == RunState.Retrying ? RunState.Pending : r.State,
                r.Attempt, r.Failures, r.Node, r.Device, r.CheckpointStep, r.Reason, r.Summary, attempts));
        }
        var rungs = _runs.Values.Where(r => r.Planned && (r.RungResults.Count > 0 || r.PromotedFrom.Count > 0))
            .Select(r => new RunRungsSnapshot(r.Id, r.RungResults.ToArray(), r.PromotedFrom.Order().ToArray())).ToArray();
        return new BookSnapshot(runs, Quarantines.ToArray(), rungs);
    }

    public SweepPolicy Policy { get; }
    /// <summary>This session's runs, in sweep-file order.</summary>
    public IReadOnlyList<BookRun> Plan => _plan;
    public IEnumerable<TrainerSlot> Trainers => _trainers.Values;
    public bool IsRecovered { get; private set; }
    public bool Stopping { get; private set; }
    public SweepEnded? Ended { get; private set; }

    /// <summary>Every run of the plan or of the ledger (which may know runs the sweep file no longer lists).</summary>
    public IReadOnlyCollection<BookRun> Runs => _runs.Values;
    /// <summary>A run of the plan or of the ledger.</summary>
    public BookRun? Find(string id) => _runs.GetValueOrDefault(id);
    public TrainerSlot? Trainer(TrainerId id) => _trainers.GetValueOrDefault(id);
    /// <summary>Runs of the plan in this state.</summary>
    public int Count(RunState state) => _counts[(int)state];
    public bool IsQuarantined(DeviceId device) => _devices.GetValueOrDefault(device)?.Quarantined == true;
    public int FailuresInARow(DeviceId device) => _devices.GetValueOrDefault(device)?.FailedRunsInARow.Count ?? 0;
    public IEnumerable<DeviceQuarantined> Quarantines => _devices.Values.Select(h => h.Quarantine).OfType<DeviceQuarantined>();
    /// <summary>The experiments with early stopping, in sweep-file order.</summary>
    public IReadOnlyList<RungLadder> Ladders => _ladders;

    public IReadOnlyList<IBookEvent> Decide(BookCommand command, DateTime now) => command switch
    {
        Recover r => Recovery(r),
        FromTrainer { Message: RequestWork m } t => TrainerReady(t.Trainer, m, now),
        FromTrainer { Message: GpuChanged m } t => _trainers.GetValueOrDefault(t.Trainer) is { Waiting: true } ? [new TrainerGpuRead(t.Trainer, m.Gpu)] : [],
        FromTrainer { Message: RunProgress m } t => Report(t.Trainer, m.RunId, m.Attempt, _ => [new RunProgressed(m, now)]),
        FromTrainer { Message: SweepProtocol.RunResumed m } t => Report(t.Trainer, m.RunId, m.Attempt,
            _ => [new LedgerEvents.RunResumed(m.RunId, m.Attempt, m.Step), new RunHeard(m.RunId, now, m.Step)]),
        FromTrainer { Message: SweepProtocol.RunCheckpointed m } t => Report(t.Trainer, m.RunId, m.Attempt,
            _ => [new LedgerEvents.RunCheckpointed(m.RunId, m.Attempt, m.Step), new RunHeard(m.RunId, now, null)]),
        FromTrainer { Message: RunEnded m } t => Report(t.Trainer, m.RunId, m.Attempt, run => AttemptOver(run, t.Trainer, m, now)),
        FromTrainer t => throw new ArgumentException($"{t.Message.GetType().Name} is not a trainer's report", nameof(command)),
        TrainerLost l => Lost(l.Trainer, now),
        Tick => Silences(now),
        Stop s => StopAll(s.Reason),
        Settle => Settlement(now),
        _ => throw new ArgumentException($"unknown command {command.GetType().Name}", nameof(command)),
    };

    IReadOnlyList<IBookEvent> Recovery(Recover r)
    {
        if (IsRecovered) return [];
        var events = new List<IBookEvent>();
        foreach (var run in _plan)
        {
            if (!run.Planned)
            {
                events.Add(new RunPlanned(run.Id, run.Experiment, ConfigHash.Compute(run.Plan!.Config)));
                if (r.Rebuilt?.GetValueOrDefault(run.Id) is { } fact) events.Add(FromFolder(run.Id, fact));
            }
            else if (run.State == RunState.Running)
                events.Add(new AttemptEnded(run.Id, run.Attempt, AttemptEndCause.SupervisorStopped.Outcome(), "the supervisor stopped", run.Node, run.Device));
            else if (run.State == RunState.Failed && r.RetryFailed)
                events.Add(new RunReset(run.Id, $"retry requested after: {run.Reason}"));
            else if (run.State is RunState.Paused or RunState.StoppedEarly && NoLongerWaits(run) is { } why)
                events.Add(new RunSentOn(run.Id, why));
        }
        if (r.ClearQuarantine)
            foreach (var (device, _) in _devices.Where(d => d.Value.Quarantined).OrderBy(d => d.Key.Machine, StringComparer.Ordinal).ThenBy(d => d.Key.Device, StringComparer.Ordinal))
                events.Add(new QuarantineCleared(device.Machine, device.Device, "run --clear-quarantine"));
        events.Add(Recovered.Instance);
        return events;
    }

    /// <summary>A rebuilt ledger's record of what the run's folder shows; attempt 0: no attempt of this ledger did it.</summary>
    static ILedgerEvent FromFolder(string id, RunFolderFact fact) => fact switch
    {
        RunFolderFact.Completed c => new RunCompleted(id, 0, c.Summary),
        RunFolderFact.Failed f => new RunGaveUp(id, $"{f.Reason} (from its result.json: the ledger was rebuilt)"),
        RunFolderFact.Checkpointed c => new LedgerEvents.RunCheckpointed(id, 0, c.Step),
        _ => throw new ArgumentException($"unknown run folder fact {fact.GetType().Name}", nameof(fact)),
    };

    /// <summary>Why no rung holds the run this session at all (no early stopping now, for the sweep or its experiment); null where one may.</summary>
    string? EarlyStopOff(BookRun run) =>
        Policy.NoEarlyStop ? "run --no-early-stop" : run.Group is null ? $"experiment {run.Experiment} no longer stops early" : null;

    /// <summary>Why a paused or early-stopped run goes on under this session's settings; null where it still waits at its rung.</summary>
    string? NoLongerWaits(BookRun run)
    {
        if (EarlyStopOff(run) is { } off) return off;
        var group = run.Group!;
        var last = run.RungResults[^1];
        if (!group.HasRung(last.Rung)) return $"{group.Ladder.PointText(last.Rung)} is no longer a rung of experiment {run.Experiment}";
        if (last.Metric != group.Ladder.Settings.Metric)
            return $"experiment {run.Experiment} now compares {group.Ladder.Settings.Metric.Text()}, its result at {group.Ladder.PointText(last.Rung)} is {last.Metric.Text()}";
        return null;
    }

    IReadOnlyList<IBookEvent> TrainerReady(TrainerId trainer, RequestWork m, DateTime now)
    {
        var events = new List<IBookEvent>();
        if (!_trainers.TryGetValue(trainer, out var slot))
            events.Add(new TrainerJoined(trainer, new SlotAddress(m.Node, m.Device, m.Slot), now));
        else if (HeldBy(slot) is { } stale)
            // It asks for work while the book still has it on a run: its report was lost (a restart of either side).
            events.AddRange(EndAttempt(stale, AttemptEndCause.TrainerGaveBack, "the trainer gave up the run without a report", slot, now));
        events.Add(new TrainerWaiting(trainer, m.Gpu, m.GpuOptions));
        return events;
    }

    /// <summary>A report counts only from the trainer that holds the run's current attempt: anything else is late.</summary>
    IReadOnlyList<IBookEvent> Report(TrainerId trainer, string runId, int attempt, Func<BookRun, IReadOnlyList<IBookEvent>> decide) =>
        _runs.GetValueOrDefault(runId) is { State: RunState.Running, Holder: { } holder } run && holder == trainer && run.Attempt == attempt
            ? decide(run)
            : [new LateReportIgnored(runId, attempt, trainer)];

    IReadOnlyList<IBookEvent> AttemptOver(BookRun run, TrainerId trainer, RunEnded m, DateTime now)
    {
        var slot = _trainers[trainer];
        if (m.Outcome == RunEndOutcome.Paused)
        {
            if (m.Rung is not { } rung)
                return EndAttempt(run, AttemptEndCause.RunFailed, "it paused without its rung's result", slot, now);
            var reached = new RungReached(run.Id, m.Attempt, rung.At.Count, rung.At.Unit, rung.Step, rung.Metric, rung.Value);
            // Told to pause by an earlier session's settings: it goes on at once.
            return EarlyStopOff(run) is { } why
                ? [reached, new RunSentOn(run.Id, why), new DeviceFailuresCleared(slot.Address.DeviceId)]
                : [reached, new DeviceFailuresCleared(slot.Address.DeviceId)];
        }
        if (m.Outcome != RunEndOutcome.Completed)
            return EndAttempt(run, AttemptEndCauses.Of(m.Outcome), m.Reason ?? m.Outcome.Text(), slot, now);
        var summary = m.Summary ?? new RunSummary(run.Step ?? 0, run.Loss, run.Metric, run.MetricName, run.Elapsed ?? 0);
        return [new RunCompleted(run.Id, m.Attempt, summary), new DeviceFailuresCleared(slot.Address.DeviceId)];
    }

    /// <summary>One decision, journalled as one batch: the ledger never holds half of it.</summary>
    List<IBookEvent> EndAttempt(BookRun run, AttemptEndCause cause, string reason, TrainerSlot? slot, DateTime now)
    {
        var events = new List<IBookEvent> { new AttemptEnded(run.Id, run.Attempt, cause.Outcome(), reason, run.Node, run.Device) };
        if (cause.SpendsRetry())
        {
            int failures = run.Failures + 1;
            if (failures > Policy.MaxRetries)
                events.Add(new RunGaveUp(run.Id, reason));
            else
            {
                var backoff = Policy.Backoff(failures);
                events.Add(new RetryScheduled(run.Id, now + backoff, backoff));
            }
        }
        else if (cause.WaitsOutBackoff())
        {
            var backoff = Policy.OutOfMemoryBackoff(run.OutOfMemoryInARow + 1);
            events.Add(new RetryScheduled(run.Id, now + backoff, backoff));
        }
        if (cause.CountsTowardsPause() && slot is not null)
        {
            var device = slot.Address.DeviceId;
            int count = (_devices.GetValueOrDefault(device)?.OutOfMemoryInARow ?? 0) + 1;
            events.Add(new DeviceOutOfMemoryCounted(device));
            if (count >= Policy.OutOfMemoryInARow)
                events.Add(new SlotPaused(slot.Id, now + Policy.OutOfMemoryPause, $"{count} attempts in a row ran out of GPU memory on {device.Device}"));
        }
        if (cause.ChargesDevice() && slot is not null && _devices.GetValueOrDefault(slot.Address.DeviceId) is not { Quarantined: true } )
        {
            var device = slot.Address.DeviceId;
            var failedHere = _devices.GetValueOrDefault(device)?.FailedRunsInARow;
            int count = (failedHere?.Count ?? 0) + (failedHere?.Contains(run.Id) == true ? 0 : 1);
            events.Add(new DeviceFailureCounted(device, run.Id));
            if (count >= Policy.QuarantineAfter)
                events.Add(new DeviceQuarantined(slot.Address.Node, device.Device, $"{count} different runs failed on it in a row (last: {reason})"));
        }
        return events;
    }

    IReadOnlyList<IBookEvent> Lost(TrainerId trainer, DateTime now)
    {
        if (!_trainers.TryGetValue(trainer, out var slot) || slot.Gone) return [];
        var events = new List<IBookEvent>();
        if (HeldBy(slot) is { } run)
            events.AddRange(EndAttempt(run, AttemptEndCause.TrainerLost,
                $"trainer {slot.Address.Device} slot {slot.Address.Slot} of {slot.Address.Node} lost", slot, now));
        events.Add(new TrainerLeft(trainer));
        return events;
    }

    IReadOnlyList<IBookEvent> Silences(DateTime now)
    {
        var limit = Policy.SilenceLimit;
        List<IBookEvent>? events = null;
        foreach (var run in _held.Where(r => now - r.LastHeard > limit).OrderBy(r => r.PlanIndex).ToArray())
        {
            events ??= [];
            var trainer = run.Holder!.Value;
            events.Add(new StopAsked(trainer, run.Id, run.Attempt, "no heartbeat"));
            events.AddRange(EndAttempt(run, AttemptEndCause.Silent, $"no word from its trainer for {limit.TotalSeconds:0} s", Trainer(trainer), now));
        }
        return events ?? [];
    }

    IReadOnlyList<IBookEvent> StopAll(string reason)
    {
        if (Stopping || Ended is not null) return [];
        var events = new List<IBookEvent> { new SweepStopping(reason) };
        foreach (var run in _held.OrderBy(r => r.PlanIndex))
            events.Add(new StopAsked(run.Holder!.Value, run.Id, run.Attempt, "the sweep is stopping"));
        return events;
    }

    IReadOnlyList<IBookEvent> Settlement(DateTime now)
    {
        if (!IsRecovered || Ended is not null) return [];
        var due = _queue.DueBy(now);
        var events = new List<IBookEvent>(due.Count);
        foreach (var i in due) events.Add(new RetryDue(_plan[i].Id));
        // The rungs' verdict on the state the command left: stops first (they may end the sweep), promotions for free slots.
        int stopping = 0;
        IReadOnlyList<RungDecision> promotions = [];
        if (_ladders.Count > 0)
        {
            var all = new List<RungDecision>();
            foreach (var ladder in _ladders)
            {
                var verdict = ladder.Verdict;
                foreach (var stop in verdict.Stops)
                    foreach (var run in stop.Group.Runs.Where(r => r.State == RunState.Paused))
                    {
                        events.Add(new RunStoppedEarly(run.Id, run.LastRung!.Value, stop.Reason));
                        stopping++;
                    }
                all.AddRange(verdict.Promotions);
            }
            promotions = all;
        }
        bool handedOut = false;
        int candidates = _queue.ReadyCount + due.Count + promotions.Count + _queue.Fresh.Count;
        if (!Stopping && _waiting.Count > 0 && candidates > 0)
        {
            var dispatch = new Dispatch(this, due, promotions);
            foreach (var waiting in _waiting)
            {
                var slot = _trainers[new TrainerId(waiting)];
                if (IsQuarantined(slot.Address.DeviceId) || slot.PausedAt(now)) continue;
                if (dispatch.Peek() is not { } next) break;
                if (RoomFor(slot, next) is { } shortfall)
                {
                    // The run stays for the next slot; this one waits until its GPU has room.
                    if (shortfall != slot.RoomShortfall) events.Add(new SlotWaitsForRoom(slot.Id, shortfall, slot.RoomShortfall is null));
                    continue;
                }
                dispatch.Take(events);
                int attempt = next.Attempt + 1;
                events.Add(new RunStarted(next.Id, attempt, slot.Address.Node, slot.Address.Label, new DateTimeOffset(now)));
                events.Add(new RunHandedOut(next.Id, attempt, slot.Id, now, PauseTarget(next)));
                handedOut = true;
            }
        }
        else if (_roomWaiting.Count > 0 && candidates == 0)
            foreach (var trainer in _roomWaiting.OrderBy(t => t.Value)) events.Add(new SlotRoomWaitOver(trainer));
        if (!handedOut && End(now, stopping) is { } end) events.Add(end);
        return events;
    }

    /// <summary>Null where the slot's GPU has room for the run (always for a CPU slot); else why not.</summary>
    string? RoomFor(TrainerSlot slot, BookRun run)
    {
        if (slot.Gpu is null) return null;
        var need = GpuNeed.MiB(run.Plan!.Config, slot.GpuOptions?.MinFreeMiB ?? Policy.GpuMinFreeMiB, Policy.GpuPeaksMiB);
        return GpuRoom.Shortfall(slot.Gpu, need, slot.GpuOptions?.Share ?? Policy.GpuShare);
    }

    /// <summary>Early stopping's next rung for the run's next attempt, with the metric to report there; null: to its end.</summary>
    static RungTarget? PauseTarget(BookRun run) =>
        RungLadder.NextRung(run) is { } rung ? new RungTarget(rung, run.Group!.Ladder.Settings.Metric) : null;

    /// <summary>
    /// The choice of the next run for each free slot of one decision (slots on a quarantined device or paused take none), each
    /// run once: first the pending runs in sweep-file order (a retry whose backoff has just ended among them; of early-stopping
    /// experiments, only configurations already begun), then a promotion (its runs promoted together, its first run handed
    /// out, the others next), then the first run of an early-stopping configuration not yet begun (its other runs next).
    /// <see cref="Peek"/> names the candidate; only <see cref="Take"/> decides it (a slot whose GPU lacks room leaves it to the next).
    /// </summary>
    sealed class Dispatch(SweepBook book, IReadOnlyList<int> due, IReadOnlyList<RungDecision> promotions)
    {
        enum Source { Queue, Promotion, Fresh }

        readonly HashSet<int> _taken = [];
        /// <summary>Runs of configurations this decision promoted or began, not yet handed out.</summary>
        readonly SortedSet<int> _released = [];
        int _promotion;
        (int Index, Source From)? _peeked;

        public BookRun? Peek()
        {
            _peeked = Candidate();
            return _peeked is { } p ? book._plan[p.Index] : null;
        }

        (int, Source)? Candidate()
        {
            int best = -1;
            foreach (var i in book._queue.Ready)
                if (!_taken.Contains(i)) { best = i; break; }
            foreach (var i in due)
                if (!_taken.Contains(i)) { if (best < 0 || i < best) best = i; break; }
            if (_released.Count > 0 && (best < 0 || _released.Min < best)) best = _released.Min;
            if (best >= 0) return (best, Source.Queue);
            if (_promotion < promotions.Count) return (promotions[_promotion].Group.PlanIndex, Source.Promotion);
            foreach (var i in book._queue.Fresh)
                if (!_taken.Contains(i)) return (i, Source.Fresh);
            return null;
        }

        /// <summary>The candidate <see cref="Peek"/> named goes out: a promotion's events, and its configuration's other runs next.</summary>
        public void Take(List<IBookEvent> events)
        {
            var (index, from) = _peeked ?? throw new InvalidOperationException("nothing peeked");
            _peeked = null;
            if (from == Source.Promotion)
            {
                var promotion = promotions[_promotion++];
                foreach (var run in promotion.Group.Runs)
                {
                    events.Add(new RunPromoted(run.Id, promotion.Rung, promotion.Reason));
                    _released.Add(run.PlanIndex);
                }
            }
            else if (from == Source.Fresh)
                foreach (var run in book._plan[index].Group!.Runs)
                    if (run.State == RunState.Pending) _released.Add(run.PlanIndex);
            _taken.Add(index);
            _released.Remove(index);
        }
    }

    SweepEnded? End(DateTime now, int stopping = 0)
    {
        int completed = Count(RunState.Completed), failed = Count(RunState.Failed), running = Count(RunState.Running);
        int stoppedEarly = Count(RunState.StoppedEarly) + stopping;
        SweepEnd? end =
            completed + failed + stoppedEarly == _plan.Count ? SweepEnd.Finished
            : Stopping && running == 0 ? SweepEnd.Stopped
            : Policy.EndWhenNoDeviceLeft && running == 0 && now - _lastJoin >= Policy.JoinGrace && NoDeviceLeft() ? SweepEnd.Stalled
            : null;
        if (end is null) return null;
        // Retried: started again after an attempt that failed or was interrupted (going on from a rung is no retry).
        int retried = _plan.Count(r => r.Attempts.Count(a => a.Outcome != AttemptOutcome.Paused) > 1);
        return new SweepEnded(end.Value, completed, failed, retried, _plan.Count - completed - failed - stoppedEarly, stoppedEarly);
    }

    /// <summary>There are trainers, and every one's device is quarantined.</summary>
    bool NoDeviceLeft()
    {
        bool any = false;
        foreach (var slot in _trainers.Values)
        {
            if (slot.Gone) continue;
            if (!IsQuarantined(slot.Address.DeviceId)) return false;
            any = true;
        }
        return any;
    }

    BookRun? HeldBy(TrainerSlot slot) =>
        slot.Run is { } id && _runs[id] is { State: RunState.Running } run && run.Holder == slot.Id ? run : null;

    public void Apply(IBookEvent e)
    {
        switch (e)
        {
            case RunPlanned p:
                if (!_runs.TryGetValue(p.RunId, out var planned))
                    _runs[p.RunId] = new BookRun(p.RunId, p.Experiment) { Planned = true, ConfigHash = p.ConfigHash };
                else if (!planned.Planned)
                {
                    planned.Planned = true;
                    planned.ConfigHash = p.ConfigHash;
                    Enter(planned);
                }
                break;
            case RunStarted s:
            {
                var run = Journalled(s.RunId);
                SetState(run, RunState.Running);
                run.Attempt = s.Attempt;
                run.Node = s.Node;
                run.Device = s.Device;
                run.Reason = null;
                run.Attempts.Add(new AttemptRecord(s.Attempt, s.Node, s.Device, s.At));
                // Its configuration has begun: its other runs go before the configurations not yet begun.
                if (run.Group is { } group)
                    foreach (var sibling in group.Runs)
                        if (sibling.State == RunState.Pending && _queue.Fresh.Contains(sibling.PlanIndex))
                        {
                            _queue.RemoveFresh(sibling.PlanIndex);
                            _queue.AddReady(sibling.PlanIndex);
                        }
                break;
            }
            case LedgerEvents.RunResumed r:
            {
                var run = Journalled(r.RunId);
                if (run.AttemptNumber(r.Attempt) is { } resumed) resumed.ResumedFrom = r.Step;
                run.CheckpointStep ??= r.Step;
                break;
            }
            case LedgerEvents.RunCheckpointed c:
                Journalled(c.RunId).CheckpointStep = c.Step;
                break;
            case AttemptEnded a:
            {
                var run = Journalled(a.RunId);
                if (run.State == RunState.Running && run.Attempt == a.Attempt) SetState(run, RunState.Pending);
                if (a.Outcome == AttemptOutcome.Failed) run.Failures++;
                run.Reason = a.Reason;
                if (run.AttemptNumber(a.Attempt) is { } ended) (ended.Outcome, ended.OutcomeReason) = (a.Outcome, a.Reason);
                Release(run);
                break;
            }
            case RunCompleted c:
            {
                var run = Journalled(c.RunId);
                SetState(run, RunState.Completed);
                run.Summary = c.Summary;
                run.Reason = null;
                if (run.AttemptNumber(c.Attempt) is { } done) done.Outcome = AttemptOutcome.Completed;
                Release(run);
                break;
            }
            case RungReached r:
            {
                var run = Journalled(r.RunId);
                if (run.State == RunState.Running && run.Attempt == r.Attempt) SetState(run, RunState.Paused);
                run.RungResults.RemoveAll(x => x.Rung == r.Rung);
                run.RungResults.Add(new RungRecord(r.Rung, r.Unit, r.Step, r.Metric, r.Value));
                run.Group?.Ladder.Changed();
                run.CheckpointStep = r.Step;
                run.Step = r.Step;
                run.Reason = null;
                if (run.AttemptNumber(r.Attempt) is { } paused)
                    (paused.Outcome, paused.OutcomeReason) = (AttemptOutcome.Paused, $"at {new Training.Loop.TrainingPoint(r.Rung, r.Unit)}");
                Release(run);
                break;
            }
            case RunPromoted p:
            {
                var run = Journalled(p.RunId);
                run.PromotedFrom.Add(p.Rung);
                run.Group?.Ladder.Changed();
                if (run.State is RunState.Paused or RunState.StoppedEarly) SetState(run, RunState.Pending);
                run.Reason = $"promoted: {p.Reason}";
                break;
            }
            case RunStoppedEarly st:
            {
                var run = Journalled(st.RunId);
                if (run.State == RunState.Paused) SetState(run, RunState.StoppedEarly);
                run.Reason = st.Reason;
                break;
            }
            case RunSentOn o:
            {
                var run = Journalled(o.RunId);
                if (run.State is RunState.Paused or RunState.StoppedEarly) SetState(run, RunState.Pending);
                run.Reason = o.Reason;
                break;
            }
            case RunGaveUp g:
            {
                var run = Journalled(g.RunId);
                SetState(run, RunState.Failed);
                run.Reason = g.Reason;
                break;
            }
            case RunReset r:
            {
                var run = Journalled(r.RunId);
                SetState(run, RunState.Pending);
                run.Failures = 0;
                run.Reason = r.Reason;
                break;
            }
            case DeviceQuarantined q:
                Health(DeviceId.Of(q.Node, q.Device)).Quarantine = q;
                break;
            case QuarantineCleared q:
                if (_devices.TryGetValue(new DeviceId(q.Machine, q.Device), out var cleared))
                {
                    cleared.Quarantine = null;
                    cleared.FailedRunsInARow.Clear();
                }
                break;

            case Recovered:
                IsRecovered = true;
                break;
            case TrainerJoined j:
                // A slot's new trainer replaces the lost one in `status`.
                foreach (var gone in _trainers.Values.Where(t => t.Gone && t.Address == j.Address).Select(t => t.Id).ToArray())
                    _trainers.Remove(gone);
                _trainers[j.Trainer] = new TrainerSlot(j.Trainer, j.Address);
                _lastJoin = j.At;
                break;
            case TrainerWaiting w:
            {
                var slot = _trainers[w.Trainer];
                if (slot.Gone) break;
                slot.Waiting = true;
                (slot.Gpu, slot.GpuOptions) = (w.Gpu, w.GpuOptions);
                _waiting.Add(w.Trainer.Value);
                break;
            }
            case TrainerGpuRead r:
                _trainers[r.Trainer].Gpu = r.Gpu;
                break;
            case SlotWaitsForRoom w:
                _trainers[w.Trainer].RoomShortfall = w.Shortfall;
                _roomWaiting.Add(w.Trainer);
                break;
            case SlotRoomWaitOver o:
                _trainers[o.Trainer].RoomShortfall = null;
                _roomWaiting.Remove(o.Trainer);
                break;
            case SlotPaused p:
            {
                var slot = _trainers[p.Trainer];
                (slot.PausedUntil, slot.PauseReason) = (p.Until, p.Reason);
                Health(slot.Address.DeviceId).OutOfMemoryInARow = 0;
                break;
            }
            case DeviceOutOfMemoryCounted o:
                Health(o.Device).OutOfMemoryInARow++;
                break;
            case TrainerLeft l:
            {
                var slot = _trainers[l.Trainer];
                slot.Gone = true;
                slot.Waiting = false;
                slot.Run = null;
                slot.RoomShortfall = null;
                _waiting.Remove(l.Trainer.Value);
                _roomWaiting.Remove(l.Trainer);
                // Its node's new trainer for the slot may have registered first: then nothing is gone.
                if (_trainers.Values.Any(t => !t.Gone && t.Address == slot.Address)) _trainers.Remove(l.Trainer);
                break;
            }
            case RunHandedOut h:
            {
                var run = Journalled(h.RunId);
                var slot = _trainers[h.Trainer];
                run.Holder = h.Trainer;
                run.LastHeard = h.At;
                _held.Add(run);
                slot.Run = run.Id;
                slot.Waiting = false;
                slot.RoomShortfall = null;
                _waiting.Remove(h.Trainer.Value);
                _roomWaiting.Remove(h.Trainer);
                break;
            }
            case RunProgressed { Report: var p } progressed:
            {
                var run = Journalled(p.RunId);
                run.LastHeard = progressed.At;
                run.Step = p.Step;
                if (p.TotalSteps is { } total) run.TotalSteps = total;
                if (p.Loss is { } loss) run.Loss = loss;
                if (p.Metric is { } metric) (run.Metric, run.MetricName) = (metric, p.MetricName);
                if (p.IterationsPerSecond is { } rate) run.IterationsPerSecond = rate;
                if (p.Elapsed is { } elapsed) run.Elapsed = elapsed;
                break;
            }
            case RunHeard h:
            {
                var run = Journalled(h.RunId);
                run.LastHeard = h.At;
                if (h.Step is { } step) run.Step = step;
                break;
            }
            case RetryScheduled r:
            {
                var run = Journalled(r.RunId);
                if (run.State != RunState.Pending) break;
                run.RetryAt = r.DueAt;
                SetState(run, RunState.Retrying);
                break;
            }
            case RetryDue d:
            {
                var run = Journalled(d.RunId);
                if (run.State == RunState.Retrying) SetState(run, RunState.Pending);
                run.RetryAt = null;
                break;
            }
            case DeviceFailureCounted f:
            {
                var health = Health(f.Device);
                health.FailedRunsInARow.Add(f.RunId);
                health.OutOfMemoryInARow = 0;
                break;
            }
            case DeviceFailuresCleared c:
                if (_devices.GetValueOrDefault(c.Device) is { } completedOn)
                {
                    completedOn.FailedRunsInARow.Clear();
                    completedOn.OutOfMemoryInARow = 0;
                }
                break;
            case SweepStopping:
                Stopping = true;
                break;
            case SweepEnded end:
                Ended = end;
                break;
            case StopAsked or LateReportIgnored:
                break; // effects only
            default:
                throw new ArgumentException($"unknown book event {e.GetType().Name}", nameof(e));
        }
    }

    BookRun Journalled(string id) => _runs.TryGetValue(id, out var run) && run.Planned ? run
        : throw new InvalidOperationException($"ledger event for unplanned run {id}");

    DeviceHealth Health(DeviceId device)
    {
        if (!_devices.TryGetValue(device, out var health)) _devices[device] = health = new DeviceHealth();
        return health;
    }

    /// <summary>The only place a run's state changes: it keeps the counts and the queue in step.</summary>
    void SetState(BookRun run, RunState state)
    {
        if (run.PlanIndex < 0)
        {
            run.State = state;
            return;
        }
        Leave(run);
        _counts[(int)run.State]--;
        _counts[(int)state]++;
        run.State = state;
        Enter(run);
        run.Group?.Ladder.Changed();
    }

    void Enter(BookRun run)
    {
        if (run.PlanIndex < 0 || !run.Planned) return;
        if (run.State == RunState.Pending && run.Group is { Begun: false }) _queue.AddFresh(run.PlanIndex);
        else if (run.State == RunState.Pending) _queue.AddReady(run.PlanIndex);
        else if (run.State == RunState.Retrying && run.RetryAt is { } due) _queue.AddBackoff(run.PlanIndex, due);
    }

    void Leave(BookRun run)
    {
        if (run.State == RunState.Pending)
        {
            _queue.RemoveReady(run.PlanIndex);
            _queue.RemoveFresh(run.PlanIndex);
        }
        else if (run.State == RunState.Retrying && run.RetryAt is { } due) _queue.RemoveBackoff(run.PlanIndex, due);
    }

    /// <summary>The attempt ended: its trainer holds nothing any more.</summary>
    void Release(BookRun run)
    {
        if (run.Holder is not { } trainer) return;
        if (_trainers.TryGetValue(trainer, out var slot) && slot.Run == run.Id) slot.Run = null;
        run.Holder = null;
        _held.Remove(run);
    }
}
