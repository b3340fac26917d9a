using System.Diagnostics;

namespace AsRnnGrid.Actors.Sweep.Bench;

/// <summary>Durations of one kind of decision: count, median, 99th percentile and maximum, in microseconds.</summary>
public sealed record LatencyStats(string Kind, int Count, double MedianUs, double P99Us, double MaxUs)
{
    public static LatencyStats Of(string kind, List<long> ticks)
    {
        if (ticks.Count == 0) return new LatencyStats(kind, 0, 0, 0, 0);
        ticks.Sort();
        double Us(long t) => t * 1e6 / Stopwatch.Frequency;
        return new LatencyStats(kind, ticks.Count, Us(ticks[ticks.Count / 2]), Us(ticks[Math.Min(ticks.Count - 1, (int)(ticks.Count * 0.99))]), Us(ticks[^1]));
    }
}
