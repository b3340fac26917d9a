namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>
/// What a run's own folder shows of it (its result.json, its newest checkpoint): what a ledger rebuilt from the run
/// folders (`run --rebuild-ledger`) knows of the run. The attempts, their nodes and any quarantine are gone with the old ledger.
/// </summary>
public abstract record RunFolderFact
{
    /// <summary>result.json says completed: the run is done and is not trained again.</summary>
    public sealed record Completed(SweepProtocol.RunSummary Summary) : RunFolderFact;

    /// <summary>result.json says failed (a non-finite loss): the run is failed, as it was; `--retry-failed` tries it again.</summary>
    public sealed record Failed(string Reason) : RunFolderFact;

    /// <summary>Not finished, with a checkpoint of this step: the run resumes from it.</summary>
    public sealed record Checkpointed(long Step) : RunFolderFact;
}
