namespace AsRnnGrid.Actors.Report;

/// <summary>
/// A configuration's curve over its seeds: at each x logged by any seed, the mean and the sample standard deviation
/// of the seeds that logged it (a running seed shortens nothing; it just stops contributing where its log ends).
/// </summary>
public sealed record CurveBand(double[] X, double[] Mean, double[] Lower, double[] Upper, int Seeds)
{
    public static CurveBand? Of(IEnumerable<IReadOnlyList<(double X, double Y)>> seeds)
    {
        var curves = seeds.Where(c => c.Count > 0).ToList();
        if (curves.Count == 0) return null;
        var byX = curves
            // A resumed run logs each point once (the loop truncates its log to the checkpoint), but keep the last if not.
            .SelectMany(c => c.GroupBy(p => p.X).Select(g => g.Last()))
            .Where(p => double.IsFinite(p.Y))
            .GroupBy(p => p.X).OrderBy(g => g.Key).ToList();
        var x = new double[byX.Count];
        var mean = new double[byX.Count];
        var lower = new double[byX.Count];
        var upper = new double[byX.Count];
        for (int i = 0; i < byX.Count; i++)
        {
            var stats = SeedStatistics.Of(byX[i].Select(p => p.Y).ToList())!.Value;
            x[i] = byX[i].Key;
            mean[i] = stats.Mean;
            lower[i] = stats.Mean - (stats.Std ?? 0);
            upper[i] = stats.Mean + (stats.Std ?? 0);
        }
        return new CurveBand(x, mean, lower, upper, curves.Count);
    }
}
