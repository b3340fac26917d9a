using System.Globalization;
using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>
/// Early stopping of one experiment (asynchronous successive halving, Li et al. 2020, promotion-based): its configurations
/// and their rungs, and the rungs' verdict, a pure function of the runs' journalled rung results, promotions and states.
/// <para>
/// At each rung, the configurations whose every run has reported there are ranked by the metric (a configuration without
/// a number last, ties in sweep-file order). While the rung still waits for others, a waiting configuration among the best
/// ⌊n/reduction⌋ of the n ranked so far may be promoted; once every configuration that has the rung has reported there
/// or can no longer (failed, stopped below it), the best max(1, ⌊n/reduction⌋) may be and every other one waiting there
/// is stopped early, so that the best configuration always runs to its end. A configuration with a failed run is stopped
/// where its other runs wait. Rungs are decided from the lowest up in one pass: a stop at one rung counts at the next.
/// </para>
/// </summary>
public sealed class RungLadder(string experiment, EarlyStopping settings)
{
    readonly List<RungGroup> _groups = [];
    long[] _rungs = [];
    RungVerdict? _verdict;

    public string Experiment { get; } = experiment;
    public EarlyStopping Settings { get; } = settings;
    /// <summary>In sweep-file order.</summary>
    public IReadOnlyList<RungGroup> Groups => _groups;
    /// <summary>Every rung of its configurations, in the rungs' unit, ascending.</summary>
    public IReadOnlyList<long> Rungs => _rungs;
    public TrainingUnit Unit => Settings.FirstRung.Unit;

    internal void Add(RungGroup group)
    {
        _groups.Add(group);
        _rungs = _rungs.Concat(group.Rungs.Select(r => r.Count)).Distinct().Order().ToArray();
    }

    /// <summary>A run of it changed in a way the verdict reads (a result, a promotion, a stop, a state): decide again when asked.</summary>
    internal void Changed() => _verdict = null;

    /// <summary>The current verdict; computed once per change (a memo of the journalled state, not state of its own).</summary>
    public RungVerdict Verdict => _verdict ??= Evaluate();

    /// <summary>Where <paramref name="run"/> pauses next: the first of its rungs past the last it reached; null: its end.</summary>
    public static TrainingPoint? NextRung(BookRun run)
    {
        if (run.Group is not { } group) return null;
        long reached = run.LastRung ?? 0;
        foreach (var rung in group.Rungs)
            if (rung.Count > reached) return rung;
        return null;
    }

    public string PointText(long rung) => new TrainingPoint(rung, Unit).ToString();

    RungVerdict Evaluate()
    {
        var stops = new List<RungDecision>();
        var promotions = new List<RungDecision>();
        var stopped = new HashSet<RungGroup>();
        foreach (var group in _groups)
        {
            if (group.FailedRun is not { } failed) continue;
            stopped.Add(group);
            if (group.Runs.FirstOrDefault(r => r.State == RunState.Paused) is { LastRung: { } at })
                stops.Add(new RungDecision(group, at, $"{failed.Id} of its configuration failed"));
        }
        var ranked = new List<(RungGroup Group, double? Value)>();
        foreach (var rung in _rungs)
        {
            ranked.Clear();
            bool complete = true;
            foreach (var group in _groups)
            {
                // A configuration with a failed run, or stopped below this rung, is no rival here.
                if (!group.HasRung(rung) || stopped.Contains(group)) continue;
                if (group.TryValueAt(rung, Settings.Metric, out var value)) ranked.Add((group, value));
                else if (!group.CannotReach(rung)) complete = false;
            }
            ranked.Sort(Compare);
            int n = ranked.Count, top = n / Settings.Reduction;
            if (complete && n > 0) top = Math.Max(top, 1);
            var rungPromotions = new List<RungDecision>();
            for (int i = 0; i < n; i++)
            {
                var (group, value) = ranked[i];
                if (!group.WaitsAt(rung) || group.PromotedFrom(rung)) continue;
                var where = $"ranked {i + 1} of {n} at {PointText(rung)} ({Settings.Metric.Text()} {Number(value)})";
                if (i < top)
                    rungPromotions.Add(new RungDecision(group, rung, $"{where}: among the best {top}"));
                else if (complete)
                {
                    stopped.Add(group);
                    if (group.Runs.Any(r => r.State == RunState.Paused))
                        stops.Add(new RungDecision(group, rung, $"{where}; the best {top} went on"));
                }
            }
            // The highest rung's promotions come first.
            promotions.InsertRange(0, rungPromotions);
        }
        return new RungVerdict(stops, promotions);
    }

    int Compare((RungGroup Group, double? Value) a, (RungGroup Group, double? Value) b)
    {
        if (a.Value is { } x && b.Value is { } y && x != y) return Settings.Better(x, y) ? -1 : 1;
        if (a.Value is null != b.Value is null) return a.Value is null ? 1 : -1;
        return a.Group.PlanIndex.CompareTo(b.Group.PlanIndex);
    }

    public static string Number(double? value) => value is { } v ? v.ToString("G4", CultureInfo.InvariantCulture) : "none";
}

/// <summary>A configuration to promote from, or stop at, <see cref="Rung"/>, and why.</summary>
public sealed record RungDecision(RungGroup Group, long Rung, string Reason);

/// <summary>What the rungs say now: the configurations to stop early, and those to promote (highest rung first, best first).</summary>
public sealed record RungVerdict(IReadOnlyList<RungDecision> Stops, IReadOnlyList<RungDecision> Promotions);
