using Akka.Actor;
using static AsRnnGrid.Actors.Sweep.SweepControl;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>Hands the supervisor's notices to the hosting program and completes its wait when the sweep ends (or fails, as bad input: its ledger).</summary>
public sealed class SweepListener : ReceiveActor
{
    public static Props Props(Action<SweepNotice> onNotice, TaskCompletionSource<SweepEnded> ended) =>
        Akka.Actor.Props.Create(() => new SweepListener(onNotice, ended));

    public SweepListener(Action<SweepNotice> onNotice, TaskCompletionSource<SweepEnded> ended)
    {
        Receive<SweepNotice>(onNotice);
        Receive<SweepEnded>(m => ended.TrySetResult(m));
        Receive<SweepFailed>(m => ended.TrySetException(new AsRnnGrid.Training.Configuration.ConfigurationException(m.Reason)));
    }
}
