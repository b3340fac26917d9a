using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// One run of a sweep. <see cref="Id"/> is the experiment's name and a short hash of the resolved configuration,
/// so it stays the same when the file is read again and other runs are added. <see cref="Options"/> are the
/// option values as text, in the order they were merged (defaults, fixed keys, grid, variant, seed): the
/// trainer passes them to `asrnn-grid train` (adding only --device and --out).
/// </summary>
public sealed record PlannedRun(string Id, string Experiment, IReadOnlyList<KeyValuePair<string, string>> Options, RunConfig Config)
{
    /// <summary>The run's folder under the results folder.</summary>
    public string Folder(string results) => Path.Combine(results, "runs", Id);
}
