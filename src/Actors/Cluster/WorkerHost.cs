using Akka.Actor;
using AsRnnGrid.Actors.Sweep;

namespace AsRnnGrid.Actors.Cluster;

/// <summary>How a worker node is started.</summary>
public sealed record WorkerHostOptions
{
    /// <summary>The seed to join, host:port.</summary>
    public required string Join { get; init; }
    public NodeEndpoint Endpoint { get; init; } = new();
    /// <summary>The sweep's certificate, read once from the results folder when the worker starts (or plain TCP).</summary>
    public required NodeSecurity Security { get; init; }
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
/// answers) and a <see cref="WorkerNode"/>. <see cref="Refused"/> completes when the sweep will not have it: the
/// supervisor refused its trainers, or a TLS handshake failed (Akka.Remote then shuts the node down).
/// </summary>
public sealed class WorkerHost : IAsyncDisposable
{
    readonly TaskCompletionSource<string> _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    WorkerHost(ActorSystem system) => System = system;

    public ActorSystem System { get; }
    public IActorRef Node { get; private set; } = ActorRefs.Nobody;
    public Task<string> Refused => _refused.Task;

    /// <summary>Completes when this node is done: with why the sweep refused it, or null when the cluster took it out (it may join again).</summary>
    public Task<string?> Ended { get; private set; } = Task.FromResult<string?>(null);

    public static WorkerHost Start(WorkerHostOptions options)
    {
        var system = SweepNodeConfig.Start(new SweepNodeSettings
        {
            Endpoint = options.Endpoint,
            Security = options.Security,
            Roles = [SweepNodeConfig.TrainerRole],
            Seed = options.Join,
            DownAfter = options.DownAfter,
            LeaveOnTerminate = options.LeaveOnTerminate,
            Log = options.OnEvent,
        });
        var host = new WorkerHost(system);
        host.Ended = Task.WhenAny(host._refused.Task, system.WhenTerminated).ContinueWith(_ =>
        {
            if (!host._refused.Task.IsCompleted && HandshakeRefusal(system, options) is { } refusal) host._refused.TrySetResult(refusal);
            return host._refused.Task.IsCompleted ? host._refused.Task.Result : null;
        }, TaskScheduler.Default);
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

    /// <summary>
    /// Why the node was shut down by a failed TLS handshake of its own, or null. Akka.Remote shuts down a node whose
    /// outgoing handshake fails and says so only in the shutdown's reason, a type of its own (Akka 1.5.74).
    /// </summary>
    static string? HandshakeRefusal(ActorSystem system, WorkerHostOptions options)
    {
        var reason = CoordinatedShutdown.Get(system).ShutdownReason;
        if (reason?.GetType().FullName != "Akka.Remote.Transport.DotNetty.TlsHandshakeFailureReason") return null;
        var key = options.Security is NodeSecurity.MutualTls tls ? tls.Certificate.PathName : "(none)";
        return $"refused at the TLS handshake: this worker's sweep key {key} is not the one the seed at {options.Join} holds " +
               "(replaced by `run --rotate-key`, or another sweep's results folder), or the seed runs with --insecure-plaintext; " +
               "start the worker again with the sweep's --results";
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
