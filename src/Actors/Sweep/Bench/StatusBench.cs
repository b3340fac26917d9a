using System.Diagnostics;
using AsRnnGrid.Actors.Sweep.Book;

namespace AsRnnGrid.Actors.Sweep.Bench;

/// <summary>
/// sweep-status.json of a big sweep: the snapshot the supervisor takes on its own thread (<see cref="StatusSnapshot"/>)
/// and the write it hands to the thread pool (serialise, fsync, rename), each the median of several.
/// </summary>
public static class StatusBench
{
    public sealed record Result(int Runs, double SnapshotMs, double WriteMs, long Bytes);

    public static Result Measure(SweepBook book, string folder, int repeats = 5)
    {
        Directory.CreateDirectory(folder);
        var snapshots = new List<double>();
        var writes = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            var status = StatusSnapshot.Of(book, "bench.yaml", DateTimeOffset.Now);
            snapshots.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            status.Write(folder);
            writes.Add(clock.Elapsed.TotalMilliseconds);
        }
        return new Result(book.Plan.Count, Median(snapshots), Median(writes), new FileInfo(SweepStatus.PathIn(folder)).Length);
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
