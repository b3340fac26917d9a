using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// One run of a sweep. <see cref="Id"/> is the experiment's name and a short hash of the resolved configuration,
/// so it stays the same when the file is read again and other runs are added. <see cref="Config"/> is the run's
/// configuration, resolved once here: the supervisor writes the run's run.yaml from it and the child trains that file.
/// <see cref="Options"/> are the values it was built from, as written, in the order they were merged (defaults, fixed
/// keys, grid, variant, seed; data_dir made absolute). <see cref="Label"/> names it for people within its experiment
/// (<see cref="RunLabels"/>; a run planned outside a sweep file is labelled by its id).
/// </summary>
public sealed record PlannedRun(string Id, string Experiment, IReadOnlyList<KeyValuePair<string, string>> Options, RunConfig Config)
{
    public RunLabel Label { get; init; } = RunLabel.Plain(Id);

    /// <summary>The run's folder under the results folder.</summary>
    public string Folder(string results) => Path.Combine(results, "runs", Id);

    /// <summary>The run's TensorBoard folder under the results folder (by experiment and label).</summary>
    public string TensorBoardFolder(string results) => Label.TensorBoardFolder(results, Experiment);
}
