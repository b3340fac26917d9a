using static AsRnnGrid.Actors.Sweep.Book.LiveEvents;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepControl;

namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>The line a person reads for a book event, from the event and the book once it is applied; null for most.</summary>
public static class SweepNotices
{
    public static string? For(IBookEvent e, SweepBook book) => e switch
    {
        Recovered => Ledger(book),
        RunHandedOut h when book.Trainer(h.Trainer) is { } slot => $"{h.RunId} started on {slot.Address.Node} {slot.Address.Label} (attempt {h.Attempt})",
        LedgerEvents.RunResumed r => $"{r.RunId} resumed from step {r.Step} (attempt {r.Attempt})",
        RunCompleted c => $"{c.RunId} completed: {Describe(c.Summary)}",
        AttemptEnded { Outcome: AttemptOutcome.Interrupted } a => $"{a.RunId} back in the queue, {ResumesAt(book.Find(a.RunId))}: {a.Reason}",
        RetryScheduled r when book.Find(r.RunId) is { } run && run.OutOfMemoryInARow > 0 =>
            $"{run.Id} attempt {run.Attempt} ran out of GPU memory: {run.Reason}; retried in {r.Backoff.TotalSeconds:0.#} s (not counted against max_retries)",
        RetryScheduled r when book.Find(r.RunId) is { } run =>
            $"{run.Id} attempt {run.Attempt} failed: {run.Reason}; retry {run.Failures} of {book.Policy.MaxRetries} in {r.Backoff.TotalSeconds:0.#} s",
        SlotWaitsForRoom { Began: true } w when book.Trainer(w.Trainer) is { } slot => $"{slot.Address.Node} {slot.Address.Label}: {w.Shortfall}, waiting",
        SlotPaused p when book.Trainer(p.Trainer) is { } slot =>
            $"{slot.Address.Node} {slot.Address.Label} paused for {book.Policy.OutOfMemoryPause.TotalMinutes:0.#} min: {p.Reason}",
        RunGaveUp g when book.Find(g.RunId) is { } run => $"{run.Id} failed after {run.Failures} attempts: {g.Reason}",
        DeviceQuarantined q => $"device {q.Device} of {q.Node} taken out of service: {q.Reason}",
        QuarantineCleared q => $"device {q.Device} of {q.Machine} back in service ({q.Reason})",
        SweepStopping s => $"stopping: {s.Reason}; every run checkpoints",
        RungReached r => $"{r.RunId} paused at {new Training.Loop.TrainingPoint(r.Rung, r.Unit)}: {r.Metric.Text()} {RungLadder.Number(r.Value)}",
        RunPromoted p => $"{p.RunId} promoted: {p.Reason}",
        RunStoppedEarly s => $"{s.RunId} stopped early at {StoppedAt(s, book)}: {s.Reason}",
        RunSentOn o => $"{o.RunId} goes on from its rung: {o.Reason}",
        SweepEnded end => Ended(end),
        _ => null,
    };

    /// <summary>A worker the cluster cannot reach any more: what becomes of its runs if it does not come back.</summary>
    public static string Unreachable(string node, SweepBook book)
    {
        var runs = book.Trainers.Where(t => !t.Gone && t.Address.Node == node && t.Run is not null)
            .Select(t => book.Find(t.Run!)).OfType<BookRun>().Select(r => $"{r.Id} {ResumesAt(r)}").ToArray();
        return $"worker {node} unreachable; unless it comes back, the cluster takes it out and "
            + (runs.Length == 0 ? "it held no run" : $"{(runs.Length == 1 ? "its run goes" : "its runs go")} back to the queue: {string.Join(", ", runs)}");
    }

    /// <summary>Where a run goes on from: its last checkpoint, which the ledger has.</summary>
    static string ResumesAt(BookRun? run) => run?.CheckpointStep is { } step ? $"at step {step}" : "from the start";

    /// <summary>"sweep finished: 3 completed, 0 failed, 6 stopped early, 1 retried, 0 not done" (stopped early only where some are).</summary>
    public static string Ended(SweepEnded end) =>
        $"sweep {end.State.Text()}: {end.Completed} completed, {end.Failed} failed, "
        + (end.StoppedEarly > 0 ? $"{end.StoppedEarly} stopped early, " : "") + $"{end.Retried} retried, {end.NotDone} not done";

    static string StoppedAt(RunStoppedEarly s, SweepBook book) =>
        book.Find(s.RunId)?.Group?.Ladder.PointText(s.Rung) ?? s.Rung.ToString(System.Globalization.CultureInfo.InvariantCulture);

    static string Ledger(SweepBook book)
    {
        int toResume = book.Plan.Count(r => r.State == RunState.Pending && r.Attempts.Count > 0);
        var quarantined = book.Quarantines.Select(q => DeviceId.Of(q.Node, q.Device).ToString()).ToArray();
        int waiting = book.Count(RunState.Paused) + book.Count(RunState.StoppedEarly);
        return $"ledger: {book.Plan.Count} runs, {book.Count(RunState.Completed)} completed, {toResume} to resume, {book.Count(RunState.Failed)} failed"
            + (waiting > 0 ? $", {book.Count(RunState.Paused)} paused and {book.Count(RunState.StoppedEarly)} stopped early at a rung" : "")
            + (quarantined.Length > 0 ? $"; quarantined: {string.Join(", ", quarantined)} (run --clear-quarantine puts them back)" : "");
    }

    public static string Describe(SweepProtocol.RunSummary s) =>
        $"{s.Steps} steps" + (s.FinalLoss is { } l ? $", loss {l:0.####}" : "") + (s.Metric is { } m ? $", {s.MetricName} {m:0.####}" : "");
}
