using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Training.Tasks;

/// <summary>
/// Checks that a data task finds its files: before a sweep starts, so a missing file stops `validate` instead of
/// failing every run hours later, and before `train` reads them, so the message names the folder in full and every file
/// the task needs. Looks for the files only; reading them is the task session's job.
/// </summary>
public static class DataFilesCheck
{
    /// <summary>Null when the task needs no files or finds them all, otherwise what is wrong (one line).</summary>
    public static string? Problem(RunConfig config)
    {
        if (config.Task.Data is not { } data) return null;
        var dir = Path.GetFullPath(config.DataDir);
        if (!Directory.Exists(dir))
            return $"data_dir {dir} does not exist (task {config.Task} needs the {data.Kind} files {string.Join(", ", data.Names)} there)";
        var missing = data.Names.Where(name => !Present(dir, name, data.GzipAllowed)).ToList();
        if (missing.Count == 0) return null;
        return data.GzipAllowed
            ? $"data_dir {dir} has no {string.Join(", ", missing)} (raw or .gz), needed by task {config.Task}"
            : $"data_dir {dir} has no {string.Join(", ", missing)}, needed by task {config.Task}";
    }

    // A task that takes NAME.gz takes NAME too (MnistDataset.Load).
    static bool Present(string dir, string name, bool gzipAllowed) =>
        File.Exists(Path.Combine(dir, name)) || (gzipAllowed && File.Exists(Path.Combine(dir, name + ".gz")));
}
