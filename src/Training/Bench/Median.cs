namespace AsRnnGrid.Training.Bench;

/// <summary>The median of a sample (the mean of the middle two for an even count).</summary>
public static class Median
{
    public static double Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values");
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
