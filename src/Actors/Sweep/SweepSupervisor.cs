using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Persistence;
using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Actors.Sweep.Book;
using static AsRnnGrid.Actors.Sweep.Book.BookCommands;
using static AsRnnGrid.Actors.Sweep.Book.LiveEvents;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepControl;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>Settings of one supervisor beyond the sweep file.</summary>
public sealed record SupervisorSettings
{
    /// <summary>The token trainers must present; empty accepts every trainer (one machine, no network).</summary>
    public string Token { get; init; } = "";
    /// <summary>Receives <see cref="SweepNotice"/>s and the final <see cref="SweepEnded"/> (or <see cref="SweepFailed"/>).</summary>
    public IActorRef? Listener { get; init; }
    /// <summary>How often heartbeats and due retries are looked at.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>sweep-status.json is written at most this often (on a tick, when something changed).</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>`run --retry-failed`: runs that gave up in an earlier session get a fresh budget.</summary>
    public bool RetryFailed { get; init; }
    /// <summary>`run --clear-quarantine`: devices quarantined in an earlier session are back in service.</summary>
    public bool ClearQuarantine { get; init; }
    /// <summary>`run --rebuild-ledger`: what the run folders show, journalled into the new ledger as the runs are planned.</summary>
    public IReadOnlyDictionary<string, RunFolderFact>? Rebuilt { get; init; }
    /// <summary>`run --no-early-stop`: no run pauses at a rung; paused and early-stopped runs go on to their end.</summary>
    public bool NoEarlyStop { get; init; }
    /// <summary>End the sweep when every trainer is quarantined (one machine); a cluster waits for new ones instead.</summary>
    public bool EndWhenNoDeviceLeft { get; init; } = true;
    /// <summary>
    /// The book's journalled state is saved as a snapshot each time this many events have been journalled since the last:
    /// a restart replays the events after the newest one only (a million-event ledger recovers in a second, not ten).
    /// </summary>
    public long SnapshotEvery { get; init; } = 100_000;
}

/// <summary>
/// The single source of truth of a sweep, as an actor around a <see cref="SweepBook"/> that makes every decision. It
/// turns messages into book commands, journals the book's durable events before it applies them (so the ledger holds
/// every decision that must survive a crash before it takes effect), applies the live ones, and performs the effects:
/// hand a run to a trainer, ask one to stop, notices, sweep-status.json (written off this thread, at most once a
/// <see cref="SupervisorSettings.StatusInterval"/>).
/// </summary>
public sealed class SweepSupervisor : ReceivePersistentActor, IWithTimers
{
    public const string LedgerPersistenceId = "sweep-ledger";

    sealed record TickMessage
    {
        public static readonly TickMessage Instance = new();
    }

    sealed record StatusWritten(Exception? Error, TimeSpan Took);

    readonly SweepDefinition _sweep;
    readonly SupervisorSettings _settings;
    SweepBook _book;
    long _snapshotAt;
    readonly Dictionary<IActorRef, TrainerId> _trainerIds = [];
    readonly Dictionary<TrainerId, IActorRef> _trainerRefs = [];
    readonly ILoggingAdapter _log = Context.GetLogger();
    /// <summary>The workers' node names (as the ledger and status name them) by their cluster address.</summary>
    readonly Dictionary<Address, string> _workerNames = [];
    int _lastTrainer;
    bool _dirty = true;
    DateTime _statusWritten = DateTime.MinValue;
    TimeSpan _statusWriteTook;
    Task? _statusWrite;

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId => LedgerPersistenceId;

    public static Props Props(SweepDefinition sweep, SupervisorSettings settings) =>
        Akka.Actor.Props.Create(() => new SweepSupervisor(sweep, settings));

    public SweepSupervisor(SweepDefinition sweep, SupervisorSettings settings)
    {
        _sweep = sweep;
        _settings = settings;
        _book = new SweepBook(sweep.Runs, SweepPolicy.For(sweep, settings.EndWhenNoDeviceLeft, settings.NoEarlyStop));

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is not BookSnapshot snapshot) return;
            _book = SweepBook.FromSnapshot(sweep.Runs, _book.Policy, snapshot);
            _snapshotAt = offer.Metadata.SequenceNr;
        });
        Recover<ILedgerEvent>(e => _book.Apply(e));
        Recover<RecoveryCompleted>(_ => Handle(new BookCommands.Recover(settings.RetryFailed, settings.ClearQuarantine, settings.Rebuilt)));

        Command<WorkerHello>(m =>
        {
            _workerNames[Sender.Path.Address] = m.Node;
            // A local node's hello can arrive after a sweep with nothing left to do has ended: no news then.
            if (_book.Ended is null) Notice($"worker {m.Node} joined");
            Sender.Tell(new SweepInfo(_sweep.Results, _sweep.File, _sweep.HeartbeatTimeoutSeconds));
        });
        Command<WorkerCannotJoin>(m => Notice($"worker {m.Node} cannot take part: {m.Reason}"));
        Command<RequestWork>(OnRequestWork);
        Command<RunProgress>(FromTrainer);
        Command<SweepProtocol.RunResumed>(FromTrainer);
        Command<SweepProtocol.RunCheckpointed>(FromTrainer);
        Command<RunEnded>(FromTrainer);
        Command<GpuChanged>(FromTrainer);
        Command<Terminated>(t =>
        {
            if (!_trainerIds.Remove(t.ActorRef, out var id)) return;
            _trainerRefs.Remove(id);
            Handle(new TrainerLost(id));
        });
        Command<TickMessage>(_ =>
        {
            Handle(BookCommands.Tick.Instance);
            WriteStatusWhenDue();
        });
        Command<StopSweep>(m => Handle(new Stop(m.Reason)));
        // Said in the sweep's words, once, where Akka writes warnings every few seconds to its log file.
        Command<ClusterEvent.UnreachableMember>(m =>
        {
            if (_workerNames.TryGetValue(m.Member.Address, out var node)) Notice(SweepNotices.Unreachable(node, _book));
        });
        Command<ClusterEvent.ReachableMember>(m =>
        {
            if (_workerNames.TryGetValue(m.Member.Address, out var node)) Notice($"worker {node} reachable again");
        });
        Command<ClusterEvent.MemberRemoved>(m => _workerNames.Remove(m.Member.Address));
        Command<GetStatus>(_ => Sender.Tell(Status()));
        Command<SaveSnapshotSuccess>(m => DeleteSnapshots(new SnapshotSelectionCriteria(m.Metadata.SequenceNr - 1)));
        // A snapshot only saves time at the next start: the journal has every event.
        Command<SaveSnapshotFailure>(m => _log.Warning("could not save a snapshot of the ledger: {0}", m.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(m => _log.Warning("could not delete old ledger snapshots: {0}", m.Cause.Message));
        Command<StatusWritten>(m =>
        {
            _statusWriteTook = m.Took;
            // The status file is a convenience; the ledger is the record. Never stop the sweep for it.
            if (m.Error is { } e) _log.Warning("could not write {0}: {1}", SweepStatus.PathIn(_sweep.Results), e.Message);
        });
    }

    protected override void PreStart()
    {
        base.PreStart();
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.ReachableMember), typeof(ClusterEvent.MemberRemoved));
        Timers.StartPeriodicTimer("tick", TickMessage.Instance, _settings.Tick);
    }

    protected override void PostStop()
    {
        Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
        base.PostStop();
    }

    void OnRequestWork(RequestWork m)
    {
        if (_settings.Token.Length > 0 && m.Token != _settings.Token)
        {
            Notice($"refused trainer {m.Device} slot {m.Slot} of {m.Node}: wrong sweep token");
            Sender.Tell(new TrainerRefused("wrong sweep token: this trainer belongs to another sweep or lacks the results folder's token"));
            return;
        }
        if (!_trainerIds.TryGetValue(Sender, out var id))
        {
            id = new TrainerId(++_lastTrainer);
            _trainerIds[Sender] = id;
            _trainerRefs[id] = Sender;
            Context.Watch(Sender);
        }
        Handle(new FromTrainer(id, m));
    }

    /// <summary>A report from an actor that never asked for work here (a trainer of a previous supervisor) concerns no current attempt.</summary>
    void FromTrainer(ISweepMessage m)
    {
        if (_trainerIds.TryGetValue(Sender, out var id)) Handle(new FromTrainer(id, m));
        else _log.Debug("ignored {0} from {1}, which has not asked for work", m.GetType().Name, Sender);
    }

    /// <summary>The book decides on the command; its events are committed; then it settles (hands out work, ends the sweep).</summary>
    void Handle(BookCommand command) =>
        Commit(_book.Decide(command, DateTime.UtcNow), () => Commit(_book.Decide(Settle.Instance, DateTime.UtcNow), null));

    /// <summary>
    /// Journals the durable events of one decision as one atomic write, then applies every event in order and performs
    /// its effect. Akka stashes other messages until the write is done, so no decision is taken on a state the
    /// journal has not caught up with.
    /// </summary>
    void Commit(IReadOnlyList<IBookEvent> events, Action? then)
    {
        var durable = events.OfType<ILedgerEvent>().ToArray();
        if (durable.Length == 0)
        {
            ApplyAll(events);
            then?.Invoke();
            return;
        }
        int persisted = 0;
        PersistAll(durable, _ =>
        {
            if (++persisted < durable.Length) return;
            ApplyAll(events);
            SnapshotWhenDue();
            then?.Invoke();
        });
    }

    /// <summary>The book now holds exactly the journal up to <see cref="Eventsourced.LastSequenceNr"/> (and live state, which the snapshot leaves out).</summary>
    void SnapshotWhenDue()
    {
        if (LastSequenceNr - _snapshotAt < _settings.SnapshotEvery) return;
        _snapshotAt = LastSequenceNr;
        SaveSnapshot(_book.Snapshot());
    }

    void ApplyAll(IReadOnlyList<IBookEvent> events)
    {
        foreach (var e in events)
        {
            _book.Apply(e);
            _dirty = true;
            // The notice first: the sweep's last line reaches the listener before its end.
            if (SweepNotices.For(e, _book) is { } text) Notice(text);
            Perform(e);
        }
    }

    void Perform(IBookEvent e)
    {
        switch (e)
        {
            case RunHandedOut h:
                HandOut(h);
                break;
            case StopAsked s:
                _trainerRefs.GetValueOrDefault(s.Trainer)?.Tell(new StopRun(s.RunId, s.Attempt, s.Reason));
                break;
            case LateReportIgnored l:
                _log.Debug("ignored a late report of {0} attempt {1}", l.RunId, l.Attempt);
                break;
            case SweepEnded end:
                // The listener (and whoever waits on it) reads the status file next: it must be whole and final.
                WriteStatusNow();
                _settings.Listener?.Tell(end);
                break;
        }
    }

    /// <summary>The one place a run goes out to a trainer.</summary>
    void HandOut(RunHandedOut h)
    {
        var run = _book.Find(h.RunId)!.Plan!;
        _trainerRefs.GetValueOrDefault(h.Trainer)?.Tell(RunDispatch.Assign(run, h.Attempt, _sweep.Results, h.Pause));
    }

    void Notice(string text)
    {
        _log.Info(text);
        _settings.Listener?.Tell(new SweepNotice(DateTimeOffset.Now, text));
    }

    SweepStatus Status() => StatusSnapshot.Of(_book, _sweep.File, DateTimeOffset.Now);

    /// <summary>
    /// On a tick: at most once an interval, only when something changed, never while the last write is still going,
    /// and no more often than four times the last write took (a sweep of 100,000 runs writes 50 MB: the disk is not
    /// kept busy more than a quarter of the time).
    /// </summary>
    void WriteStatusWhenDue()
    {
        if (!_dirty || _book.Ended is not null || _statusWrite is { IsCompleted: false }) return;
        var now = DateTime.UtcNow;
        var interval = _settings.StatusInterval > 4 * _statusWriteTook ? _settings.StatusInterval : 4 * _statusWriteTook;
        if (now - _statusWritten < interval) return;
        _dirty = false;
        _statusWritten = now;
        var status = Status();
        var self = Self;
        var results = _sweep.Results;
        // The snapshot is immutable: serialising and syncing it to disk needs nothing of this actor.
        _statusWrite = Task.Run(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                status.Write(results);
                self.Tell(new StatusWritten(null, clock.Elapsed));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                self.Tell(new StatusWritten(e, clock.Elapsed));
            }
        });
    }

    void WriteStatusNow()
    {
        _statusWrite?.Wait();
        _dirty = false;
        try
        {
            Status().Write(_sweep.Results);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Warning("could not write {0}: {1}", SweepStatus.PathIn(_sweep.Results), e.Message);
        }
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _settings.Listener?.Tell(new SweepFailed($"the ledger cannot be read: {Inner(reason).Message}"));
        base.OnRecoveryFailure(reason, message);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _settings.Listener?.Tell(new SweepFailed($"the ledger cannot be written: {Inner(cause).Message}"));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _settings.Listener?.Tell(new SweepFailed($"the ledger refused an event: {Inner(cause).Message}"));
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    static Exception Inner(Exception e) => e is AggregateException { InnerException: { } inner } ? Inner(inner) : e;
}
