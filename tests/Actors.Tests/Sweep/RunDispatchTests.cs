using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>Before a run is handed out, its folder's run.yaml holds the configuration the sweep resolved, and the message carries it.</summary>
public class RunDispatchTests
{
    [Fact]
    public void The_run_yaml_is_written_from_the_resolved_configuration_before_the_assignment()
    {
        var results = TestSweeps.TempResults();
        var run = TestSweeps.Run("copy", [.. TestSweeps.TinyCopy("nru", 3), new("nru_memory", "16")]);
        var assign = RunDispatch.Assign(run, 2, results, null);
        Assert.Equal((run.Id, 2, run.Folder(results)), (assign.RunId, assign.Attempt, assign.Folder));
        Assert.Equal(run.Config, assign.Config);
        var path = Path.Combine(run.Folder(results), RunYaml.FileName);
        Assert.Equal(RunYaml.Format(run.Config), File.ReadAllText(path));
        Assert.Equal(run.Config, RunYaml.Read(path));

        // A child that wrote its device into run.yaml has it written back to the sweep's text at the next dispatch.
        File.WriteAllText(path, RunYaml.Format(run.Config with { Device = "cuda:3" }));
        RunDispatch.Assign(run, 3, results, null);
        Assert.Equal(RunYaml.Format(run.Config), File.ReadAllText(path));
    }
}
