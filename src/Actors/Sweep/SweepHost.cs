using Akka.Actor;
using AsRnnGrid.Actors.Cluster;
using AsRnnGrid.Actors.Grid;
using static AsRnnGrid.Actors.Sweep.SweepControl;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>How a sweep node is started (what the `run` command and the tests choose).</summary>
public sealed record SweepHostOptions
{
    /// <summary>The SQLite ledger; default &lt;results&gt;/ledger.db.</summary>
    public string? LedgerPath { get; init; }
    public NodeEndpoint Endpoint { get; init; } = new();
    /// <summary>Trainer slots of this node; null: discovered (GPUs, or CPU slots).</summary>
    public IReadOnlyList<(string Device, int Slot)>? Slots { get; init; }
    public TrainLauncher Launcher { get; init; } = TrainLauncher.ForThisProcess();
    public FaultPlan Faults { get; init; } = FaultPlan.None;
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(1);
    public bool RetryFailed { get; init; }
    /// <summary>`run --clear-quarantine`.</summary>
    public bool ClearQuarantine { get; init; }
    /// <summary>`run --rebuild-ledger` (on a new ledger): what the run folders show (<see cref="LedgerRebuild"/>).</summary>
    public IReadOnlyDictionary<string, Book.RunFolderFact>? Rebuilt { get; init; }
    /// <summary>`run --no-early-stop`.</summary>
    public bool NoEarlyStop { get; init; }
    public Action<SweepNotice>? OnNotice { get; init; }
    /// <summary>Only the supervisor on this node; trainers come from workers (`run --no-local-trainers`).</summary>
    public bool NoLocalTrainers { get; init; }
    public TimeSpan? DownAfter { get; init; }
    /// <summary>How this node's GPU slots read their GPUs (tests: another nvidia-smi).</summary>
    public Gpu.GpuSettings Gpu { get; init; } = new();
    /// <summary>Plain TCP instead of mutual TLS between the nodes (`--insecure-plaintext`).</summary>
    public bool InsecurePlaintext { get; init; }
}

/// <summary>
/// One sweep node in this process: an ActorSystem with Akka.Cluster (joined to itself: the seed of a cluster to
/// come), the <see cref="SweepSupervisor"/> with its ledger, and a <see cref="TrainerPool"/> for this machine's
/// device slots.
/// </summary>
public sealed class SweepHost : IAsyncDisposable
{
    readonly TaskCompletionSource<SweepEnded> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    SweepHost(ActorSystem system, SweepDefinition sweep)
    {
        System = system;
        Sweep = sweep;
    }

    public ActorSystem System { get; }
    public SweepDefinition Sweep { get; }
    /// <summary>How this node's connections are protected (the certificate workers must hold).</summary>
    public NodeSecurity Security { get; private init; } = new NodeSecurity.InsecurePlaintext();
    public IActorRef Supervisor { get; private set; } = ActorRefs.Nobody;
    public Task<SweepEnded> Ended => _ended.Task;

    /// <summary>
    /// The sweep's end, or an <see cref="SweepEnd.Aborted"/> end when this node's actor system went down first (the
    /// cluster removed it); faulted with a <see cref="AsRnnGrid.Training.Configuration.ConfigurationException"/> when
    /// the supervisor could not read or write its ledger.
    /// </summary>
    public Task<SweepEnded> EndedOrAborted => _endedOrAborted ??= Task.WhenAny(_ended.Task, System.WhenTerminated).ContinueWith(_ =>
        _ended.Task.IsCompleted ? _ended.Task.GetAwaiter().GetResult() : new SweepEnded(SweepEnd.Aborted, 0, 0, 0, Sweep.Runs.Count),
        TaskScheduler.Default);

    Task<SweepEnded>? _endedOrAborted;
    /// <summary>Akka's own log of this node (results/logs/).</summary>
    public string LogFile { get; private init; } = "";

    /// <summary>host:port where workers join this seed.</summary>
    public string Address { get; private set; } = "";

    /// <summary>
    /// Starts the node. The caller has looked at the ledger (<see cref="LedgerFile.Check"/>): the journal restarts for
    /// ever on a file it cannot open.
    /// </summary>
    public static SweepHost Start(SweepDefinition sweep, SweepHostOptions options)
    {
        Directory.CreateDirectory(sweep.Results);
        var ledger = LedgerFile.PathFor(sweep.Results, options.LedgerPath);
        Directory.CreateDirectory(Path.GetDirectoryName(ledger)!);
        var token = SweepToken.CreateOrRead(sweep.Results);
        NodeSecurity security = options.InsecurePlaintext
            ? new NodeSecurity.InsecurePlaintext()
            : new NodeSecurity.MutualTls(SweepCertificate.CreateOrRead(sweep.Results));
        var notice = options.OnNotice ?? (_ => { });
        var logFile = NodeLogFile.PathFor(sweep.Results, "seed");
        var system = SweepNodeConfig.Start(new SweepNodeSettings
        {
            Endpoint = options.Endpoint,
            Security = security,
            Roles = options.NoLocalTrainers
                ? [SweepNodeConfig.SupervisorRole]
                : [SweepNodeConfig.SupervisorRole, SweepNodeConfig.TrainerRole],
            LedgerPath = ledger,
            DownAfter = options.DownAfter,
            Log = line => notice(new SweepNotice(DateTimeOffset.Now, line)),
            LogFile = logFile,
        });
        var host = new SweepHost(system, sweep) { Security = security, LogFile = logFile };
        var cluster = Akka.Cluster.Cluster.Get(system);
        cluster.Join(cluster.SelfAddress);

        var listener = system.ActorOf(SweepListener.Props(notice, host._ended), "listener");
        host.Supervisor = system.ActorOf(SweepSupervisor.Props(sweep, new SupervisorSettings
        {
            Listener = listener,
            Token = token,
            // Workers may come later or come back: only a supervisor with its own trainers ends a stalled sweep.
            EndWhenNoDeviceLeft = !options.NoLocalTrainers,
            Tick = options.Tick,
            RetryFailed = options.RetryFailed,
            ClearQuarantine = options.ClearQuarantine,
            Rebuilt = options.Rebuilt,
            NoEarlyStop = options.NoEarlyStop,
        }), "supervisor");

        host.Address = $"{cluster.SelfAddress.Host}:{cluster.SelfAddress.Port}";
        if (options.NoLocalTrainers) return host;
        // This machine's trainers join the sweep exactly as a worker's do (the same WorkerNode, token and protocol).
        system.ActorOf(WorkerNode.Props(new WorkerSettings
        {
            Node = options.Endpoint.NodeName(cluster.SelfAddress.Port!.Value),
            Slots = options.Slots ?? DeviceSlots.Discover(sweep.SlotsPerGpu, sweep.CpuSlots),
            Launcher = options.Launcher,
            Faults = options.Faults,
            StopGrace = options.StopGrace,
            Gpu = options.Gpu,
        }), "worker");
        return host;
    }

    /// <summary>Every run checkpoints and stops; <see cref="Ended"/> completes with <see cref="SweepEnd.Stopped"/>.</summary>
    public void Stop(string reason) => Supervisor.Tell(new StopSweep(reason));

    public Task<SweepStatus> StatusAsync(TimeSpan timeout) => Supervisor.Ask<SweepStatus>(GetStatus.Instance, timeout);

    public async ValueTask DisposeAsync()
    {
        await System.Terminate().ConfigureAwait(false);
    }
}
