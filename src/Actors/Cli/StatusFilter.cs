using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// `status --experiment` and `--state`: the runs shown (their progress tallied again over them). An experiment the file
/// does not hold is one error line. With a state asked for, every run in it is shown (nothing folds).
/// </summary>
public sealed record StatusFilter(IReadOnlyList<string> Experiments, IReadOnlyList<RunState> States)
{
    public bool FoldAllowed => States.Count == 0;

    public SweepStatus Apply(SweepStatus status, string file)
    {
        if (Experiments.Count == 0 && States.Count == 0) return status;
        var known = status.Runs.Select(r => r.Experiment).Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in Experiments.Where(e => !known.Contains(e, StringComparer.Ordinal)))
            throw new ConfigurationException($"--experiment: {file} holds no experiment '{name}' (its experiments: {string.Join(", ", known)})");
        var runs = status.Runs.Where(r => (Experiments.Count == 0 || Experiments.Contains(r.Experiment, StringComparer.Ordinal))
            && (States.Count == 0 || States.Contains(r.State))).ToList();
        return status with
        {
            Runs = runs, Progress = SweepProgress.Of(runs, status.Devices),
            RungTables = status.RungTables?.Where(t => Experiments.Count == 0 || Experiments.Contains(t.Experiment, StringComparer.Ordinal)).ToArray(),
        };
    }
}
