using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using AsRnnGrid.Training.TensorBoard;

namespace AsRnnGrid.Actors.Report;

/// <summary>
/// The report's share of TensorBoard: every run's event folder (results/tensorboard/&lt;experiment&gt;/&lt;label&gt;/) written from
/// its metrics.jsonl where it is missing or older than the log, as for a sweep that ran before the runs wrote their own.
/// A run whose folder lock a train process holds is left to that process (it rewrites its events when it starts and then
/// appends); while the report writes one, it holds the lock, so such a process waits for it.
/// </summary>
public static class TensorBoardExport
{
    /// <summary>Writes what is missing; returns the runs written.</summary>
    public static int Write(string results, IEnumerable<ReportRun> runs, Action<string> warn)
    {
        int written = 0;
        foreach (var run in runs)
        {
            var metrics = new RunFolder(run.Folder);
            if (run.Points.Count == 0 || !File.Exists(metrics.Metrics)) continue;
            var folder = run.Label.TensorBoardFolder(results, run.Experiment);
            if (IsCurrent(folder, metrics.Metrics)) continue;
            // An existing lock file only: the report creates nothing in a run folder.
            using var held = File.Exists(metrics.LockFile) ? ExclusiveLock.TryTake(metrics.LockFile, TimeSpan.Zero) : null;
            if (File.Exists(metrics.LockFile) && held is null) continue;
            var last = run.Points[^1];
            var anchor = new TensorBoardLog.Anchor(new DateTimeOffset(File.GetLastWriteTimeUtc(metrics.Metrics)).ToUnixTimeMilliseconds() / 1000.0, last.Elapsed);
            using var log = TensorBoardLog.Open(folder, RunYaml.Format(run.Config), run.Points, anchor, warn);
            if (log is not null) written++;
        }
        return written;
    }

    /// <summary>Whether the folder's newest event file was written after the log's last line (the run wrote it, or an earlier report did).</summary>
    static bool IsCurrent(string folder, string metrics) =>
        TensorBoardLog.EventFiles(folder).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Max() >= File.GetLastWriteTimeUtc(metrics);
}
