namespace AsRnnGrid.Actors.Report;

/// <summary>Mean and sample standard deviation (n − 1) over seeds; no deviation from one seed.</summary>
public readonly record struct SeedStatistics(double Mean, double? Std, int Count)
{
    public static SeedStatistics? Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return null;
        double mean = values.Average();
        double? std = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : null;
        return new SeedStatistics(mean, std, values.Count);
    }
}
