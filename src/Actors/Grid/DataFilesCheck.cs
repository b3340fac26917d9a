using AsRnnGrid.Data;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// Checks before a sweep starts that each data task finds its files, so a missing file stops `validate`
/// instead of failing every run hours later. Looks for the files only; reading them is the trainer's job.
/// </summary>
static class DataFilesCheck
{
    static readonly string[] MnistFiles = [MnistDataset.TrainImages, MnistDataset.TrainLabels, MnistDataset.TestImages, MnistDataset.TestLabels];
    static readonly string[] PtbFiles = [PtbCorpus.TrainFile, PtbCorpus.ValidFile, PtbCorpus.TestFile];

    /// <summary>Null when the task needs no files or finds them all, otherwise what is wrong (one line).</summary>
    public static string? Problem(RunConfig config)
    {
        var (kind, needed) = config.Task switch
        {
            "smnist" or "pmnist" => ("MNIST", MnistFiles),
            "ptb" => ("PTB", PtbFiles),
            _ => ("", Array.Empty<string>()),
        };
        if (needed.Length == 0) return null;
        var dir = config.DataDir;
        if (!Directory.Exists(dir))
            return $"data_dir {dir} does not exist (task {config.Task} needs the {kind} files {string.Join(", ", needed)} there)";
        var missing = needed.Where(name => !Present(dir, name, gzipAllowed: kind == "MNIST")).ToList();
        if (missing.Count == 0) return null;
        return kind == "MNIST"
            ? $"data_dir {dir} has no {string.Join(", ", missing)} (raw or .gz), needed by task {config.Task}"
            : $"data_dir {dir} has no {string.Join(", ", missing)}, needed by task {config.Task}";
    }

    // MnistDataset.Load takes NAME.gz or NAME.
    static bool Present(string dir, string name, bool gzipAllowed) =>
        File.Exists(Path.Combine(dir, name)) || (gzipAllowed && File.Exists(Path.Combine(dir, name + ".gz")));
}
