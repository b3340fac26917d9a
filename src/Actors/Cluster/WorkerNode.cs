using Akka.Actor;
using Akka.Cluster;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Configuration;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Cluster;

/// <summary>What a node's trainers need besides the sweep's own settings.</summary>
public sealed record WorkerSettings
{
    public required string Node { get; init; }
    public required IReadOnlyList<(string Device, int Slot)> Slots { get; init; }
    public required TrainLauncher Launcher { get; init; }
    public FaultPlan Faults { get; init; } = FaultPlan.None;
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>How its GPU slots read their GPUs; the worker's own gpu_min_free_mib and gpu_share.</summary>
    public Sweep.Gpu.GpuSettings Gpu { get; init; } = new();
    /// <summary>Tests only: present this token instead of the results folder's.</summary>
    public string? TokenOverride { get; init; }
    public Action<string> OnEvent { get; init; } = _ => { };
    /// <summary>The node cannot take part (wrong token, no results folder): the reason, for the person who started it.</summary>
    public Action<string> OnRefused { get; init; } = _ => { };
    public Action OnDrained { get; init; } = () => { };
}

/// <summary>
/// A worker node's agent: finds the supervisor once the cluster shows a member with its role, learns the results
/// folder from it, reads the sweep token there and starts a <see cref="TrainerPool"/> for the node's slots.
/// When the supervisor's node goes away the pool is stopped (its runs checkpoint) until a supervisor is back.
/// </summary>
public sealed class WorkerNode : ReceiveActor, IWithTimers
{
    sealed record SayHello;

    readonly WorkerSettings _settings;
    readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    Address? _supervisorNode;
    IActorRef? _pool;
    bool _draining;
    int _generation;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(WorkerSettings settings) => Akka.Actor.Props.Create(() => new WorkerNode(settings));

    public WorkerNode(WorkerSettings settings)
    {
        _settings = settings;
        Receive<ClusterEvent.MemberUp>(m =>
        {
            if (!m.Member.HasRole(SweepNodeConfig.SupervisorRole) || _draining) return;
            _supervisorNode = m.Member.Address;
            Self.Tell(new SayHello());
            Timers.StartPeriodicTimer("hello", new SayHello(), TimeSpan.FromSeconds(3));
        });
        Receive<ClusterEvent.MemberRemoved>(m =>
        {
            if (m.Member.Address != _supervisorNode) return;
            _settings.OnEvent("the supervisor's node left; the runs here checkpoint; this node leaves too and joins the seed again");
            StopPool();
            _supervisorNode = null;
            Timers.Cancel("hello");
            // Alone, this node would stay a cluster of its own that a restarted seed never meets: leave, so that
            // the worker command starts afresh and joins the seed's new cluster.
            _cluster.Leave(_cluster.SelfAddress);
        });
        Receive<SayHello>(_ =>
        {
            if (_supervisorNode is { } address && _pool is null)
                Context.ActorSelection(new RootActorPath(address) / "user" / "supervisor").Tell(new WorkerHello(_settings.Node));
        });
        Receive<SweepInfo>(OnSweepInfo);
        Receive<TrainerRefused>(m =>
        {
            StopPool();
            _settings.OnRefused($"refused by the supervisor: {m.Reason}");
        });
        Receive<TrainerActor.Drain>(_ =>
        {
            _draining = true;
            Timers.Cancel("hello");
            if (_pool is null) _settings.OnDrained();
            else _pool.Tell(TrainerActor.Drain.Instance);
        });
        Receive<TrainerPool.Drained>(_ => _settings.OnDrained());
    }

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    void OnSweepInfo(SweepInfo info)
    {
        Timers.Cancel("hello");
        if (_pool is not null || _draining) return;
        string token;
        try
        {
            token = _settings.TokenOverride ?? SweepToken.Read(info.Results);
        }
        catch (ConfigurationException e)
        {
            Sender.Tell(new WorkerCannotJoin(_settings.Node, e.Message));
            _settings.OnRefused(e.Message);
            return;
        }
        var trainers = _settings.Slots.Select(s => new TrainerSettings
        {
            Node = _settings.Node,
            Device = s.Device,
            Slot = s.Slot,
            Token = token,
            Launcher = _settings.Launcher,
            HeartbeatTimeout = TimeSpan.FromSeconds(info.HeartbeatTimeoutSeconds),
            StopGrace = _settings.StopGrace,
            Faults = _settings.Faults,
            Threads = TrainerSettings.ThreadsFor(_settings.Slots, s.Device),
            Gpu = _settings.Gpu,
        }).ToArray();
        _pool = Context.ActorOf(TrainerPool.Props(trainers, Sender), $"trainers-{++_generation}");
        _settings.OnEvent($"working for the sweep {info.SweepFile} ({trainers.Length} slots; results {info.Results})");
    }

    void StopPool()
    {
        if (_pool is null) return;
        Context.Stop(_pool);
        _pool = null;
    }
}
