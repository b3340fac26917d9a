using Akka.Actor;
using AsRnnGrid.Actors.Sweep.Gpu;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// The trainers of one node, one child per device slot. A trainer that throws is restarted (its run is
/// reported failed and retried by the supervisor); its child process is ended by the trainer's PreRestart.
/// </summary>
public sealed class TrainerPool : ReceiveActor
{
    public static Props Props(IReadOnlyList<TrainerSettings> slots, IActorRef supervisor) =>
        Akka.Actor.Props.Create(() => new TrainerPool(slots, supervisor));

    /// <summary>Sent to the pool's parent once every trainer has drained.</summary>
    public sealed record Drained
    {
        public static readonly Drained Instance = new();
    }

    IActorRef? _drainRequester;
    /// <summary>The trainers still running (the GPU monitor, also a child, is not one).</summary>
    readonly HashSet<IActorRef> _trainers = [];

    public TrainerPool(IReadOnlyList<TrainerSettings> slots, IActorRef supervisor)
    {
        // One nvidia-smi for the node's GPU slots; a CPU-only node has none.
        var gpu = slots.FirstOrDefault(s => s.OnGpu) is { } first ? Context.ActorOf(GpuMonitor.Props(first.Gpu), "gpu") : null;
        foreach (var slot in slots)
            _trainers.Add(Context.Watch(Context.ActorOf(TrainerActor.Props(slot, supervisor, slot.OnGpu ? gpu : null), slot.Name)));
        Receive<TrainerActor.Drain>(m =>
        {
            _drainRequester = Sender;
            foreach (var trainer in _trainers) trainer.Tell(m);
            ReportIfDrained();
        });
        Receive<Terminated>(t =>
        {
            _trainers.Remove(t.ActorRef);
            ReportIfDrained();
        });
        // A refusal concerns the whole node: its host decides what to do.
        Receive<SweepProtocol.TrainerRefused>(m => Context.Parent.Tell(m));
    }

    void ReportIfDrained()
    {
        if (_drainRequester is not null && _trainers.Count == 0) _drainRequester.Tell(Drained.Instance);
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: _ => Directive.Restart);
}
