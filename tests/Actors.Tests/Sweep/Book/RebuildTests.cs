using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Book;
using static AsRnnGrid.Actors.Sweep.Book.BookCommands;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Tests.Sweep.Book;

/// <summary>A ledger rebuilt from the run folders (`run --rebuild-ledger`): what the book journals of each folder, and what it then does.</summary>
public sealed class RebuildTests
{
    [Fact]
    public void A_rebuilt_ledger_journals_each_runs_folder_with_its_plan_and_hands_out_only_the_unfinished_runs()
    {
        var summary = new RunSummary(60, 0.25, 98.5, "acc", 3.5);
        var h = new BookHarness(runs: 4, recover: false);
        var recovered = h.Handle(new Recover(Rebuilt: new Dictionary<string, RunFolderFact>
        {
            [h.Id(0)] = new RunFolderFact.Completed(summary),
            [h.Id(1)] = new RunFolderFact.Checkpointed(40),
            [h.Id(2)] = new RunFolderFact.Failed("NaN at step 26"),
        }));

        Assert.Equal<ILedgerEvent>(
        [
            new RunPlanned(h.Id(0), "copy", h.Book.Find(h.Id(0))!.ConfigHash), new RunCompleted(h.Id(0), 0, summary),
            new RunPlanned(h.Id(1), "copy", h.Book.Find(h.Id(1))!.ConfigHash), new LedgerEvents.RunCheckpointed(h.Id(1), 0, 40),
            new RunPlanned(h.Id(2), "copy", h.Book.Find(h.Id(2))!.ConfigHash), new RunGaveUp(h.Id(2), "NaN at step 26 (from its result.json: the ledger was rebuilt)"),
            new RunPlanned(h.Id(3), "copy", h.Book.Find(h.Id(3))!.ConfigHash),
        ], recovered.OfType<ILedgerEvent>());
        Assert.Equal([RunState.Completed, RunState.Pending, RunState.Failed, RunState.Pending], h.Book.Plan.Select(r => r.State));
        Assert.Equal((summary, 40L), (h.Run(0).Summary, h.Run(1).CheckpointStep));

        // Only the checkpointed run and the one not started go out, in file order, as their first attempt of this ledger.
        Assert.Equal((h.Id(1), 1), h.Ready(1).OfType<RunStarted>().Select(s => (s.RunId, s.Attempt)).Single());
        Assert.Equal((h.Id(3), 1), h.Ready(2, slot: 1).OfType<RunStarted>().Select(s => (s.RunId, s.Attempt)).Single());
        Assert.Empty(h.Ready(3, slot: 2).OfType<RunStarted>());
    }

    [Fact]
    public void What_a_rebuilt_ledger_holds_replays_as_it_was_decided_and_retry_failed_gives_the_failed_run_its_budget()
    {
        var h = new BookHarness(runs: 2, recover: false);
        h.Handle(new Recover(Rebuilt: new Dictionary<string, RunFolderFact> { [h.Id(0)] = new RunFolderFact.Failed("NaN at step 26") }));
        var restarted = h.Restarted(retryFailed: true);
        Assert.Equal(RunState.Pending, restarted.Run(0).State);
        Assert.Equal(h.Id(0), restarted.Journal.OfType<RunReset>().Single().RunId);
        // A ledger that already plans every run ignores folder facts: they are for a new ledger only.
        var again = new BookHarness(runs: 2, recover: false, ledger: h.Journal);
        Assert.DoesNotContain(again.Handle(new Recover(Rebuilt: new Dictionary<string, RunFolderFact> { [h.Id(1)] = new RunFolderFact.Checkpointed(9) })),
            e => e is ILedgerEvent);
    }
}
