using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Training.Configuration;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// The step between the supervisor's decision to hand a run to a trainer and the message that does: the run's run.yaml is
/// written from the configuration the sweep resolved, so the child (`train --config run.yaml`), whatever build its worker
/// runs, trains that configuration and computes none of its own.
/// </summary>
public static class RunDispatch
{
    /// <summary>
    /// Writes the run folder's run.yaml (unless it already holds that text) and returns the assignment. A folder that cannot be
    /// written is left to the child to report: it refuses a missing run.yaml in one line naming it, and the attempt fails and is retried.
    /// </summary>
    public static AssignRun Assign(PlannedRun run, int attempt, string results, RungTarget? pause)
    {
        var folder = run.Folder(results);
        var path = Path.Combine(folder, RunYaml.FileName);
        try
        {
            if (!File.Exists(path) || File.ReadAllText(path) != RunYaml.Format(run.Config))
                RunYaml.Write(path, run.Config);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return new AssignRun(run.Id, attempt, run.Config, folder, run.TensorBoardFolder(results), pause);
    }
}
