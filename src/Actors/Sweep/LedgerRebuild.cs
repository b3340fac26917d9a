using System.Text.Json;
using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Actors.Sweep.Book;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// `run --rebuild-ledger`: what the run folders of a sweep show, read without changing them, for the supervisor to journal
/// into a new ledger (<see cref="BookCommands.Recover.Rebuilt"/>). A run folder is trusted only for the run whose
/// configuration it holds (result.json's config hash); a run without a folder, or with nothing in it yet, is only planned.
/// </summary>
public static class LedgerRebuild
{
    public static IReadOnlyDictionary<string, RunFolderFact> Read(SweepDefinition sweep, Action<string> warn)
    {
        var facts = new Dictionary<string, RunFolderFact>(StringComparer.Ordinal);
        foreach (var run in sweep.Runs)
            if (Read(run, new RunFolder(run.Folder(sweep.Results)), warn) is { } fact) facts[run.Id] = fact;
        return facts;
    }

    static RunFolderFact? Read(PlannedRun run, RunFolder folder, Action<string> warn)
    {
        if (!Directory.Exists(folder.Path)) return null;
        var result = ReadResult(folder, warn);
        if (result is not null && result.ConfigHash is { } hash && hash != ConfigHash.Compute(run.Config))
        {
            warn($"{folder.Result}: a run of another configuration (config hash {hash}); left out of the ledger, the run starts from scratch");
            return null;
        }
        switch (result?.Status)
        {
            case "completed":
                return new RunFolderFact.Completed(SweepProtocol.RunSummary.Of(run.Config, result));
            case "failed":
                return new RunFolderFact.Failed(result.Reason ?? "failed");
        }
        return new CheckpointStore(folder.Path, run.Config.KeepCheckpoints).NewestStep() is { } step ? new RunFolderFact.Checkpointed(step) : null;
    }

    static RunResult? ReadResult(RunFolder folder, Action<string> warn)
    {
        var (result, problem) = RunResult.TryRead(folder.Result);
        if (problem is not null) warn($"{problem} (unreadable result; the run's checkpoints decide)");
        return result;
    }
}
