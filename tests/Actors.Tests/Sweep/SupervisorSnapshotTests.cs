using Akka.Actor;
using AsRnnGrid.Actors.Sweep;
using static AsRnnGrid.Actors.Sweep.SweepControl;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>
/// The supervisor's snapshots through the real SQLite snapshot store: saved every SnapshotEvery events, and what a
/// restarted supervisor recovers from them. The trainer here speaks the protocol from a script (the processes are the
/// business of the other sweep tests): each run it is given checkpoints twice and completes.
/// </summary>
public sealed class SupervisorSnapshotTests
{
    sealed class ScriptedTrainer : ReceiveActor
    {
        readonly IActorRef _supervisor;

        public ScriptedTrainer(IActorRef supervisor)
        {
            _supervisor = supervisor;
            Receive<AssignRun>(a =>
            {
                _supervisor.Tell(new SweepProtocol.RunCheckpointed(a.RunId, a.Attempt, 10));
                _supervisor.Tell(new SweepProtocol.RunCheckpointed(a.RunId, a.Attempt, 20));
                _supervisor.Tell(new RunEnded(a.RunId, a.Attempt, RunEndOutcome.Completed, null, new RunSummary(20, 0.5, null, null, 1)));
                AskForWork();
            });
        }

        protected override void PreStart() => AskForWork();

        void AskForWork() => _supervisor.Tell(new RequestWork("test:1", "cpu", 0, ""));
    }

    /// <summary>30 events with a snapshot every 7: the last one is due at event 28.</summary>
    const long LastSnapshotDue = 28;

    static async Task<(SweepStatus Status, string Ledger)> Supervise(string ledger, AsRnnGrid.Actors.Grid.SweepDefinition sweep, bool train)
    {
        var system = SweepNodeConfig.Start(SweepNodeSettings.Alone(ledger));
        try
        {
            var ended = new TaskCompletionSource<SweepEnded>(TaskCreationOptions.RunContinuationsAsynchronously);
            var recovered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var listener = system.ActorOf(SweepListener.Props(n => { if (n.Text.StartsWith("ledger:", StringComparison.Ordinal)) recovered.TrySetResult(n.Text); }, ended));
            var supervisor = system.ActorOf(SweepSupervisor.Props(sweep, new SupervisorSettings
            {
                Listener = listener, SnapshotEvery = 7, Tick = TimeSpan.FromMilliseconds(100), EndWhenNoDeviceLeft = false,
            }), "supervisor");
            var notice = await recovered.Task.WaitAsync(TimeSpan.FromSeconds(60));
            if (train)
            {
                system.ActorOf(Props.Create(() => new ScriptedTrainer(supervisor)), "trainer");
                Assert.Equal(SweepEnd.Finished, (await ended.Task.WaitAsync(TimeSpan.FromSeconds(60))).State);
                // A snapshot is saved, and the one before it deleted, after the fact: let the last one due (at event 28
                // of 30) land and the older ones go before the system stops, or what the rest of the test reads depends
                // on how busy the machine is (a fresh clone under load once still held all four).
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
                while ((Scalar(ledger, "SELECT coalesce(max(sequence_number), 0) FROM snapshot") < LastSnapshotDue
                        || Scalar(ledger, "SELECT count(*) FROM snapshot") > 2) && DateTime.UtcNow < deadline)
                    await Task.Delay(50);
            }
            return (await supervisor.Ask<SweepStatus>(GetStatus.Instance, TimeSpan.FromSeconds(10)), notice);
        }
        finally
        {
            await system.Terminate();
        }
    }

    static long Scalar(string ledger, string sql)
    {
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={ledger};Pooling=False");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    static string Copy(string ledger, string name)
    {
        var copy = Path.Combine(Path.GetDirectoryName(ledger)!, name);
        File.Copy(ledger, copy);
        return copy;
    }

    static object Described(SweepStatus s) => string.Join("\n", s.Runs.Select(r =>
        $"{r.Id} {r.State} {r.Attempt} {r.Failures} {r.CheckpointStep} {r.Step} {string.Join(",", r.Attempts.Select(a => $"{a.Attempt}/{a.Device}/{a.Started:O}/{a.Outcome}"))}"));

    [Fact]
    public async Task A_restarted_supervisor_recovers_the_same_state_from_its_newest_snapshot_as_from_the_whole_journal()
    {
        var results = TestSweeps.TempResults();
        var sweep = TestSweeps.CopyGrid(results, ["asrnn", "lstm", "exprnn"], [1, 2]);
        var ledger = Path.Combine(results, "ledger.db");
        var (finished, _) = await Supervise(ledger, sweep, train: true);
        Assert.All(finished.Runs, r => Assert.Equal(RunState.Completed, r.State));

        // 6 planned, then per run started, two checkpoints, completed: 30 events, a snapshot every 7, each deleting the
        // one before it (the deletion happens after the fact: the one before may still be there).
        Assert.Equal(30, Scalar(ledger, "SELECT max(sequence_number) FROM journal"));
        Assert.InRange(Scalar(ledger, "SELECT count(*) FROM snapshot"), 1, 2);
        long snapshotAt = Scalar(ledger, "SELECT max(sequence_number) FROM snapshot");
        Assert.Equal(LastSnapshotDue, snapshotAt);

        var (fromSnapshot, notice) = await Supervise(Copy(ledger, "a.db"), sweep, train: false);
        Assert.Equal("ledger: 6 runs, 6 completed, 0 to resume, 0 failed", notice);
        Assert.Equal(Described(finished), Described(fromSnapshot));

        // The snapshot really is the state: without the events it covers, the same again.
        var withoutEvents = Copy(ledger, "b.db");
        Scalar(withoutEvents, $"DELETE FROM journal WHERE sequence_number < {snapshotAt}");
        Assert.Equal(Described(finished), Described((await Supervise(withoutEvents, sweep, train: false)).Status));
        // And the journal alone, without the snapshot, too.
        var withoutSnapshot = Copy(ledger, "c.db");
        Scalar(withoutSnapshot, "DELETE FROM snapshot");
        Assert.Equal(Described(finished), Described((await Supervise(withoutSnapshot, sweep, train: false)).Status));
    }
}
