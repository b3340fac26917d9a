using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>
/// One configuration of an experiment with early stopping: the runs that differ only by their seed (with `seeds: each`,
/// every run alone). Early stopping ranks it by the mean of its runs' results at a rung, once every run has one, and
/// promotes or stops its runs together. Its state is its runs' (journalled in them); it holds none of its own.
/// </summary>
public sealed class RungGroup(RungLadder ladder, IReadOnlyList<BookRun> runs, IReadOnlyList<TrainingPoint> rungs)
{
    public RungLadder Ladder { get; } = ladder;
    /// <summary>In sweep-file order.</summary>
    public IReadOnlyList<BookRun> Runs { get; } = runs;
    /// <summary>Its runs' rungs, before their end (they share a length).</summary>
    public IReadOnlyList<TrainingPoint> Rungs { get; } = rungs;
    /// <summary>Its name: its runs' label without the seed ("asrnn h=32 lr=1e-3"; with `seeds: each`, the run's label).</summary>
    public string Label { get; internal set; } = "";
    public int PlanIndex => Runs[0].PlanIndex;

    /// <summary>One of its runs has started: the others are no longer fresh (they go before new configurations).</summary>
    public bool Begun
    {
        get
        {
            foreach (var r in Runs) if (r.Attempts.Count > 0) return true;
            return false;
        }
    }

    public bool HasRung(long rung)
    {
        foreach (var r in Rungs) if (r.Count == rung) return true;
        return false;
    }

    /// <summary>
    /// True once every run has a result of <paramref name="metric"/> at <paramref name="rung"/>; <paramref name="value"/> is
    /// their mean, or null where one of them had no number there (it then ranks last).
    /// </summary>
    public bool TryValueAt(long rung, PointMetric metric, out double? value)
    {
        double sum = 0;
        bool missing = false;
        value = null;
        foreach (var run in Runs)
        {
            if (run.RungResult(rung) is not { } result || result.Metric != metric) return false;
            if (result.Value is { } v) sum += v;
            else missing = true;
        }
        value = missing ? null : sum / Runs.Count;
        return true;
    }

    /// <summary>Every run waits at <paramref name="rung"/> (paused, or stopped early there).</summary>
    public bool WaitsAt(long rung)
    {
        foreach (var r in Runs)
            if (r.State is not (RunState.Paused or RunState.StoppedEarly) || r.LastRung != rung) return false;
        return true;
    }

    public bool PromotedFrom(long rung)
    {
        foreach (var r in Runs) if (r.PromotedFrom.Contains(rung)) return true;
        return false;
    }

    /// <summary>It can no longer report at <paramref name="rung"/>: a run failed, completed, stopped early below it or went on past it.</summary>
    public bool CannotReach(long rung)
    {
        foreach (var r in Runs)
            if (r.State is RunState.Failed or RunState.Completed || (r.State == RunState.StoppedEarly && r.LastRung < rung) || r.LastRung > rung)
                return true;
        return false;
    }

    public BookRun? FailedRun
    {
        get
        {
            foreach (var r in Runs) if (r.State == RunState.Failed) return r;
            return null;
        }
    }
}
