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

    public TrainerPool(IReadOnlyList<TrainerSettings> slots, IActorRef supervisor)
    {
        foreach (var slot in slots)
            Context.ActorOf(TrainerActor.Props(slot, supervisor), slot.Name);
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: _ => Directive.Restart);
}
