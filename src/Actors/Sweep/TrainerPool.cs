using Akka.Actor;

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

    public TrainerPool(IReadOnlyList<TrainerSettings> slots, IActorRef supervisor)
    {
        foreach (var slot in slots)
            Context.Watch(Context.ActorOf(TrainerActor.Props(slot, supervisor), slot.Name));
        Receive<TrainerActor.Drain>(m =>
        {
            _drainRequester = Sender;
            foreach (var child in Context.GetChildren()) child.Tell(m);
            ReportIfDrained();
        });
        Receive<Terminated>(_ => ReportIfDrained());
        // A refusal concerns the whole node: its host decides what to do.
        Receive<SweepProtocol.TrainerRefused>(m => Context.Parent.Tell(m));
    }

    void ReportIfDrained()
    {
        if (_drainRequester is not null && !Context.GetChildren().Any()) _drainRequester.Tell(Drained.Instance);
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: _ => Directive.Restart);
}
