using Akka.Actor;
using AsRnnGrid.Actors.Sweep;

namespace AsRnnGrid.Actors.Cluster;

/// <summary>How a worker node is started.</summary>
public sealed record WorkerHostOptions
{
    /// <summary>The seed to join, host:port.</summary>
    public required string Join { get; init; }
    public NodeEndpoint Endpoint { get; init; } = new();
    public required IReadOnlyList<(string Device, int Slot)> Slots { get; init; }
    public TrainLauncher Launcher { get; init; } = TrainLauncher.ForThisProcess();
    public FaultPlan Faults { get; init; } = FaultPlan.None;
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan? DownAfter { get; init; }
    /// <summary>`worker --gpu-min-free-mib`, `--gpu-share`; tests: another nvidia-smi.</summary>
    public Sweep.Gpu.GpuSettings Gpu { get; init; } = new();
    public string? TokenOverride { get; init; }
    /// <summary>Tests only: terminating the system does not leave the cluster first (a node lost, not one leaving).</summary>
    public bool LeaveOnTerminate { get; init; } = true;
    public Action<string> OnEvent { get; init; } = _ => { };
}

/// <summary>
/// One worker node in this process: an ActorSystem with the trainer role that joins the seed (retrying until it
/// answers) and a <see cref="WorkerNode"/>. <see cref="Refused"/> completes when the sweep will not have it.
/// </summary>
public sealed class WorkerHost : IAsyncDisposable
{
    readonly TaskCompletionSource<string> _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    WorkerHost(ActorSystem system) => System = system;

    public ActorSystem System { get; }
    public IActorRef Node { get; private set; } = ActorRefs.Nobody;
    public Task<string> Refused => _refused.Task;

    public static WorkerHost Start(WorkerHostOptions options)
    {
        var extra = options.LeaveOnTerminate ? "" : "akka.coordinated-shutdown.run-by-actor-system-terminate = off";
        var config = SweepNodeConfig.Create(options.Endpoint, ["trainer"], ledgerPath: null, options.Join, options.DownAfter, extra);
        var system = ActorSystem.Create(SweepNodeConfig.SystemName, config);
        var host = new WorkerHost(system);
        var cluster = Akka.Cluster.Cluster.Get(system);
        host.Node = system.ActorOf(WorkerNode.Props(new WorkerSettings
        {
            Node = options.Endpoint.NodeName(cluster.SelfAddress.Port!.Value),
            Slots = options.Slots,
            Launcher = options.Launcher,
            Faults = options.Faults,
            StopGrace = options.StopGrace,
            Gpu = options.Gpu,
            TokenOverride = options.TokenOverride,
            OnEvent = options.OnEvent,
            OnRefused = reason => host._refused.TrySetResult(reason),
            OnDrained = () => host._drained.TrySetResult(),
        }), "worker");
        return host;
    }

    /// <summary>Leaves gracefully: every trainer checkpoints and hands its run back, then the node leaves the cluster.</summary>
    public async Task LeaveAsync(TimeSpan deadline)
    {
        Node.Tell(TrainerActor.Drain.Instance);
        await Task.WhenAny(_drained.Task, Task.Delay(deadline)).ConfigureAwait(false);
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await System.Terminate().ConfigureAwait(false);
}
