using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Loop;
using Tensorboard;

namespace AsRnnGrid.Training.TensorBoard;

/// <summary>
/// A run's TensorBoard folder, always the image of its metrics.jsonl: <see cref="Open"/> writes the whole event file anew
/// from the log's points (after a resume the log is cut back to the checkpoint, so the curves have no stale or doubled
/// points past it; a file torn by a kill is replaced), with run.yaml as a text summary at step 0, then
/// <see cref="Append"/> adds each point as the run logs it. The new file is written aside and renamed into place, after
/// which the folder's older event files are removed: a reader sees the old file or the whole new one. Steps are the run's
/// iterations, wall times seconds since the Unix epoch (<see cref="MetricsPoint.WallTime"/>). The folder is derived data:
/// a failure to write it is a warning, never the run's failure, and the log stops writing.
/// </summary>
public sealed class TensorBoardLog : IDisposable
{
    /// <summary>The text summary's tag (TensorBoard's Text tab shows it as "run.yaml/text_summary").</summary>
    public const string ConfigTag = "run.yaml";

    readonly string _folder;
    readonly Action<string> _warn;
    EventFileWriter? _writer;

    TensorBoardLog(string folder, EventFileWriter writer, Action<string> warn) => (_folder, _writer, _warn) = (folder, writer, warn);

    /// <summary>
    /// Where a point has no wall time (logs of earlier versions): a moment whose wall time and training seconds are known. Such a
    /// point is placed by its elapsed seconds before the next point that has one, or else before this anchor.
    /// </summary>
    public readonly record struct Anchor(double WallTime, double Elapsed);

    /// <summary>The event files in <paramref name="folder"/> (TensorBoard reads every file whose name holds "tfevents").</summary>
    public static IEnumerable<string> EventFiles(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*tfevents*").Order(StringComparer.Ordinal) : [];

    /// <summary>Rewrites <paramref name="folder"/> from <paramref name="points"/>; null (after a warning) where it cannot be written.</summary>
    public static TensorBoardLog? Open(string folder, string runYaml, IReadOnlyList<MetricsPoint> points, Anchor anchor, Action<string> warn)
    {
        string? temp = null;
        FileStream? stream = null;
        try
        {
            Directory.CreateDirectory(folder);
            // Not an event file's name until the rename: TensorBoard passes it by.
            temp = Path.Combine(folder, $".rewrite.{Environment.ProcessId}.tmp");
            stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete);
            var writer = new EventFileWriter(stream);
            var walls = WallTimes(points, anchor);
            double start = walls.Length > 0 ? walls[0] : MetricsPoint.WallTimeNow();
            writer.Write(new Event { WallTime = start, FileVersion = EventFileWriter.FileVersion });
            writer.Write(new Event { WallTime = start, Step = 0, Summary = TorchSharp.torch.utils.tensorboard.Summary.text(ConfigTag, Markdown(runYaml)) });
            for (int i = 0; i < points.Count; i++) writer.Write(EventOf(points[i], walls[i]));
            writer.Flush();
            // Named by the time in milliseconds: a later rewrite sorts after the files a live TensorBoard has read.
            var name = Path.Combine(folder, $"events.out.tfevents.{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}.{Environment.MachineName}.{Environment.ProcessId}");
            File.Move(temp, name, overwrite: true);
            temp = null;
            foreach (var old in EventFiles(folder).Where(f => f != name)) File.Delete(old);
            DurableFile.SyncFolder(folder);
            return new TensorBoardLog(folder, writer, warn);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream?.Dispose();
            if (temp is not null) TryDelete(temp);
            warn($"{folder}: TensorBoard events not written ({e.Message}); training goes on, `asrnn-grid report` writes them from metrics.jsonl");
            return null;
        }
    }

    /// <summary>Adds one point as the run logs it (after metrics.jsonl has it).</summary>
    public void Append(MetricsPoint point)
    {
        if (_writer is null) return;
        try
        {
            _writer.Write(EventOf(point, point.WallTime ?? MetricsPoint.WallTimeNow()));
            _writer.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _warn($"{_folder}: TensorBoard events no longer written ({e.Message}); `asrnn-grid report` writes them from metrics.jsonl");
            Dispose();
        }
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }

    static Event EventOf(MetricsPoint point, double wallTime)
    {
        var summary = new Summary();
        foreach (var (tag, value) in TensorBoardScalars.Of(point))
            summary.Value.Add(new Summary.Types.Value { Tag = tag, SimpleValue = value });
        return new Event { WallTime = wallTime, Step = point.Step, Summary = summary };
    }

    /// <summary>Each point's wall time: its own, or placed back from the next known one (or the anchor) by elapsed seconds.</summary>
    static double[] WallTimes(IReadOnlyList<MetricsPoint> points, Anchor anchor)
    {
        var walls = new double[points.Count];
        var next = anchor;
        for (int i = points.Count - 1; i >= 0; i--)
        {
            var p = points[i];
            walls[i] = p.WallTime ?? next.WallTime - Math.Max(0, next.Elapsed - p.Elapsed);
            next = new Anchor(walls[i], p.Elapsed);
        }
        return walls;
    }

    /// <summary>run.yaml as TensorBoard's text plugin (Markdown) shows it: a code block, line for line.</summary>
    static string Markdown(string yaml) => string.Concat(yaml.Replace("\r", "").Split('\n').Select(l => "    " + l + "\n"));

    static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* a leftover .tmp is no event file: TensorBoard ignores it */ }
    }
}
