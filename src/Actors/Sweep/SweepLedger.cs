using static AsRnnGrid.Actors.Sweep.LedgerEvents;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>One run's journalled history: the state a restarted supervisor recovers.</summary>
public sealed class LedgerRun(string id, string experiment)
{
    public string Id { get; } = id;
    public string Experiment { get; } = experiment;
    public string ConfigHash { get; set; } = "";
    /// <summary>pending | running | completed | failed (what <see cref="RunStatus.State"/> shows, less retrying, which only the live supervisor knows).</summary>
    public string State { get; set; } = "pending";
    public int Attempt { get; set; }
    public int Failures { get; set; }
    public string? Node { get; set; }
    public string? Device { get; set; }
    public long? CheckpointStep { get; set; }
    public string? Reason { get; set; }
    public SweepProtocol.RunSummary? Summary { get; set; }
    public List<AttemptRecord> Attempts { get; } = [];
}

/// <summary>One attempt: where it ran, where it resumed from, how it ended.</summary>
public sealed record AttemptRecord(int Attempt, string Node, string Device, DateTimeOffset Started)
{
    public long? ResumedFrom { get; set; }
    public string? Outcome { get; set; }
}

/// <summary>
/// The supervisor's durable state as a plain object: every ledger event applied in order. Kept free of actors
/// so that recovery and the bookkeeping rules are tested directly.
/// </summary>
public sealed class SweepLedger
{
    readonly Dictionary<string, LedgerRun> _runs = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, LedgerRun> Runs => _runs;
    public List<DeviceQuarantined> Quarantines { get; } = [];

    public LedgerRun? Find(string id) => _runs.GetValueOrDefault(id);

    public void Apply(ILedgerEvent e)
    {
        switch (e)
        {
            case RunPlanned p:
                if (!_runs.ContainsKey(p.RunId)) _runs[p.RunId] = new LedgerRun(p.RunId, p.Experiment) { ConfigHash = p.ConfigHash };
                break;
            case RunStarted s:
            {
                var run = Get(s.RunId);
                run.State = "running";
                run.Attempt = s.Attempt;
                run.Node = s.Node;
                run.Device = s.Device;
                run.Reason = null;
                run.Attempts.Add(new AttemptRecord(s.Attempt, s.Node, s.Device, s.At));
                break;
            }
            case RunResumed r:
                if (Current(r.RunId, r.Attempt) is { } resumed) resumed.ResumedFrom = r.Step;
                Get(r.RunId).CheckpointStep ??= r.Step;
                break;
            case RunCheckpointed c:
                Get(c.RunId).CheckpointStep = c.Step;
                break;
            case AttemptEnded a:
            {
                var run = Get(a.RunId);
                if (run.State == "running" && run.Attempt == a.Attempt) run.State = "pending";
                if (a.CountsAsFailure) run.Failures++;
                run.Reason = a.Reason;
                if (Current(a.RunId, a.Attempt) is { } ended) ended.Outcome = (a.CountsAsFailure ? "failed: " : "interrupted: ") + a.Reason;
                break;
            }
            case RunCompleted c:
            {
                var run = Get(c.RunId);
                run.State = "completed";
                run.Summary = c.Summary;
                run.Reason = null;
                if (Current(c.RunId, c.Attempt) is { } done) done.Outcome = "completed";
                break;
            }
            case RunGaveUp g:
            {
                var run = Get(g.RunId);
                run.State = "failed";
                run.Reason = g.Reason;
                break;
            }
            case RunReset r:
            {
                var run = Get(r.RunId);
                run.State = "pending";
                run.Failures = 0;
                run.Reason = r.Reason;
                break;
            }
            case DeviceQuarantined q:
                Quarantines.Add(q);
                break;
        }
    }

    LedgerRun Get(string id) => _runs.TryGetValue(id, out var run) ? run
        : throw new InvalidOperationException($"ledger event for unplanned run {id}");

    AttemptRecord? Current(string id, int attempt) => Get(id).Attempts.LastOrDefault(a => a.Attempt == attempt);
}
