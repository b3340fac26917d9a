namespace AsRnnGrid.Training.Loop;

/// <summary>The files of one run: run.yaml, metrics.jsonl, result.json and checkpoints/.</summary>
public sealed class RunFolder(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);
    public string RunYaml => System.IO.Path.Combine(Path, "run.yaml");
    public string Metrics => System.IO.Path.Combine(Path, "metrics.jsonl");
    public string Result => System.IO.Path.Combine(Path, "result.json");

    /// <summary>
    /// For --restart: moves every file of the folder into previous-&lt;UTC time&gt;/ (nothing is deleted) and returns that folder,
    /// or null when there was nothing to move.
    /// </summary>
    public string? SetAsideForRestart()
    {
        if (!Directory.Exists(Path)) return null;
        var entries = Directory.GetFileSystemEntries(Path)
            .Where(e => !System.IO.Path.GetFileName(e).StartsWith("previous-", StringComparison.Ordinal)).ToArray();
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
