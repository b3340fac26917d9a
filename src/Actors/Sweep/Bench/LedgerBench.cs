using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepControl;

namespace AsRnnGrid.Actors.Sweep.Bench;

/// <summary>
/// A ledger of ten events a run through the real Akka.Persistence SQLite journal and the project's serializer, with the
/// book's snapshots saved as the supervisor saves them (every <see cref="SupervisorSettings.SnapshotEvery"/> events),
/// and the time a real <see cref="SweepSupervisor"/> takes to recover it: from its start to its "ledger:" notice
/// (newest snapshot read, the events after it replayed, its recovery decisions journalled).
/// </summary>
public static class LedgerBench
{
    public const int EventsPerRun = 10;

    /// <summary>
    /// Each run: planned, started, checkpointed seven times, completed; every tenth one fails once and resumes; the last
    /// 200 still run (as when a supervisor is killed), so that recovery has attempts to end.
    /// </summary>
    public static IEnumerable<ILedgerEvent> Events(int runs)
    {
        var at = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < runs; i++) yield return new RunPlanned(SyntheticSweep.Id(i), "bench", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        for (int i = 0; i < runs; i++)
        {
            var id = SyntheticSweep.Id(i);
            var (node, device, slot) = SyntheticSweep.Slot(i % 200);
            var label = $"{device} slot {slot}";
            yield return new RunStarted(id, 1, node, label, at.AddSeconds(i));
            if (i >= runs - 200)
            {
                for (int c = 1; c <= 8; c++) yield return new RunCheckpointed(id, 1, c * 1000);
            }
            else if (i % 10 == 0)
            {
                for (int c = 1; c <= 3; c++) yield return new RunCheckpointed(id, 1, c * 1000);
                yield return new AttemptEnded(id, 1, AttemptOutcome.Failed, "exit code 1: error: CUDA error: an illegal memory access was encountered", node, label);
                yield return new RunStarted(id, 2, node, label, at.AddSeconds(i + 1));
                yield return new RunResumed(id, 2, 3000);
                yield return new RunCheckpointed(id, 2, 4000);
                yield return new RunCompleted(id, 2, new SweepProtocol.RunSummary(5000, 0.125, 97.5, "best test acc", 3600));
            }
            else
            {
                for (int c = 1; c <= 7; c++) yield return new RunCheckpointed(id, 1, c * 1000);
                yield return new RunCompleted(id, 1, new SweepProtocol.RunSummary(8000, 0.125, 97.5, "best test acc", 3600));
            }
        }
    }

    sealed record Batch(ILedgerEvent[] Events);

    /// <summary>
    /// Journals the events as the supervisor would, and snapshots its book at the supervisor's interval, placed so that
    /// the ledger ends just before the next snapshot would be due: recovery replays the most events it ever can after one.
    /// </summary>
    sealed class Writer : ReceivePersistentActor
    {
        public const int BatchSize = 1000;
        readonly Book.SweepBook _book;
        readonly long _every = new SupervisorSettings().SnapshotEvery;
        long _snapshotAt;

        public override string PersistenceId => SweepSupervisor.LedgerPersistenceId;

        public Writer(int runs)
        {
            _book = new Book.SweepBook(SyntheticSweep.Plan(runs), new Book.SweepPolicy());
            // Snapshots at 1,000, then every 100,000 events: the last at 901,000 of 1,000,000, 99,000 events before the end.
            _snapshotAt = BatchSize - _every;
            Command<Batch>(b =>
            {
                var sender = Sender;
                int n = 0;
                PersistAll(b.Events, e =>
                {
                    _book.Apply(e);
                    if (++n < b.Events.Length) return;
                    if (LastSequenceNr - _snapshotAt >= _every)
                    {
                        _snapshotAt = LastSequenceNr;
                        SaveSnapshot(_book.Snapshot());
                    }
                    sender.Tell(n);
                });
            });
            // As the supervisor: only the newest snapshot is kept.
            Command<SaveSnapshotSuccess>(m => DeleteSnapshots(new SnapshotSelectionCriteria(m.Metadata.SequenceNr - 1)));
            Command<DeleteSnapshotsSuccess>(_ => { });
            Command<DeleteSnapshotsFailure>(m => throw m.Cause);
            Command<SaveSnapshotFailure>(m => throw m.Cause);
        }
    }

    /// <summary>Writes the ledger (which must not exist yet) and returns the seconds it took.</summary>
    public static async Task<double> WriteAsync(string ledger, int runs, Action<string> progress)
    {
        if (File.Exists(ledger)) throw new InvalidOperationException($"{ledger} exists already");
        var system = SweepNodeConfig.Start(SweepNodeSettings.Alone(ledger));
        try
        {
            var writer = system.ActorOf(Props.Create(() => new Writer(runs)), "writer");
            var clock = Stopwatch.StartNew();
            long written = 0;
            foreach (var chunk in Events(runs).Chunk(Writer.BatchSize))
            {
                written += await writer.Ask<int>(new Batch(chunk), TimeSpan.FromMinutes(2));
                if (written % 100_000 == 0) progress($"{written:N0} events written ({clock.Elapsed.TotalSeconds:0} s)");
            }
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>The ledger as if the supervisor had never saved a snapshot: every event is replayed.</summary>
    public static void DropSnapshots(string ledger)
    {
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={ledger};Pooling=False");
        db.Open();
        using var delete = db.CreateCommand();
        delete.CommandText = "DELETE FROM snapshot";
        delete.ExecuteNonQuery();
    }

    /// <summary>Starts a supervisor of <paramref name="runs"/> runs on the ledger and returns the seconds until its "ledger:" notice, and that notice.</summary>
    public static async Task<(double Seconds, string Notice)> RecoverAsync(string ledger, int runs, string results)
    {
        var plan = SyntheticSweep.Plan(runs);
        var sweep = SyntheticSweep.Definition(results, plan);
        var system = SweepNodeConfig.Start(SweepNodeSettings.Alone(ledger));
        try
        {
            var recovered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var ended = new TaskCompletionSource<SweepEnded>(TaskCreationOptions.RunContinuationsAsynchronously);
            var listener = system.ActorOf(SweepListener.Props(n => { if (n.Text.StartsWith("ledger:", StringComparison.Ordinal)) recovered.TrySetResult(n.Text); }, ended));
            var clock = Stopwatch.StartNew();
            system.ActorOf(SweepSupervisor.Props(sweep, new SupervisorSettings { Listener = listener, EndWhenNoDeviceLeft = false }), "supervisor");
            var first = await Task.WhenAny(recovered.Task, ended.Task, Task.Delay(TimeSpan.FromMinutes(10)));
            if (first != recovered.Task) throw new TimeoutException(ended.Task.IsFaulted ? ended.Task.Exception!.InnerException!.Message : "no recovery within 10 minutes");
            return (clock.Elapsed.TotalSeconds, recovered.Task.Result);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
