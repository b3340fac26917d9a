using Akka.Actor;
using Akka.Persistence;
using AsRnnGrid.Actors.Sweep;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>
/// Reads a ledger.db the way a restarted supervisor does: the real Akka.Persistence SQLite journal and the project's
/// serializer, in an actor system of its own. The file is copied first: the journal plugin may write to the one it opens.
/// </summary>
public static class LedgerReplay
{
    public static async Task<IReadOnlyList<ILedgerEvent>> EventsOf(string ledgerDb)
    {
        var copy = Path.Combine(Directory.CreateTempSubdirectory("asrnn-ledger-").FullName, "ledger.db");
        File.Copy(ledgerDb, copy);
        var system = SweepNodeConfig.Start(SweepNodeSettings.Alone(copy));
        try
        {
            var done = new TaskCompletionSource<IReadOnlyList<ILedgerEvent>>(TaskCreationOptions.RunContinuationsAsynchronously);
            system.ActorOf(Props.Create(() => new Reader(done)), "reader");
            return await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await system.Terminate();
        }
    }

    sealed class Reader : ReceivePersistentActor
    {
        readonly List<ILedgerEvent> _events = [];

        public override string PersistenceId => SweepSupervisor.LedgerPersistenceId;

        public Reader(TaskCompletionSource<IReadOnlyList<ILedgerEvent>> done)
        {
            Recover<ILedgerEvent>(_events.Add);
            Recover<RecoveryCompleted>(_ => done.TrySetResult(_events));
        }
    }
}
