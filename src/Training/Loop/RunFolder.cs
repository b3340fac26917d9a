using AsRnnGrid.Training.Checkpoints;

namespace AsRnnGrid.Training.Loop;

/// <summary>The files of one run: run.yaml, metrics.jsonl, result.json and checkpoints/.</summary>
public sealed class RunFolder(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);
    public string RunYaml => System.IO.Path.Combine(Path, "run.yaml");
    public string Metrics => System.IO.Path.Combine(Path, "metrics.jsonl");
    public string Result => System.IO.Path.Combine(Path, "result.json");
    public string LockFile => System.IO.Path.Combine(Path, ".lock");

    /// <summary>
    /// Takes the folder for this process (an advisory lock the kernel drops when the process dies, however it dies),
    /// waiting up to <paramref name="wait"/> for another process that still trains here, such as an orphan
    /// checkpointing after its sweep was killed.
    /// </summary>
    public IDisposable Lock(TimeSpan wait) => ExclusiveLock.TryTake(LockFile, wait)
        ?? throw new RunFolderBusyException($"{Path}: another process is training in this run folder (its .lock is held)");

    /// <summary>
    /// For --restart: moves every file of the folder into previous-&lt;UTC time&gt;/ (nothing is deleted) and returns that folder,
    /// or null when there was nothing to move.
    /// </summary>
    public string? SetAsideForRestart()
    {
        if (!Directory.Exists(Path)) return null;
        var entries = Directory.GetFileSystemEntries(Path)
            .Where(e => !System.IO.Path.GetFileName(e).StartsWith("previous-", StringComparison.Ordinal) && e != LockFile).ToArray();
        if (entries.Length == 0) return null;
        var stamp = System.IO.Path.Combine(Path, "previous-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'"));
        var aside = stamp;
        for (int n = 2; Directory.Exists(aside); n++) aside = stamp + "-" + n;
        Directory.CreateDirectory(aside);
        foreach (var entry in entries)
        {
            var target = System.IO.Path.Combine(aside, System.IO.Path.GetFileName(entry));
            if (Directory.Exists(entry)) Directory.Move(entry, target);
            else File.Move(entry, target);
        }
        return aside;
    }
}

/// <summary>Another live process holds the run folder.</summary>
public sealed class RunFolderBusyException(string message) : IOException(message);
