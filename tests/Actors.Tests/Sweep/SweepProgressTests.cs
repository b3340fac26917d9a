using System.Text.Json;
using AsRnnGrid.Actors.Sweep;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>The sweep at a glance: runs by state, iterations done of planned, the aggregate rate and the time left.</summary>
public class SweepProgressTests
{
    static RunStatus Run(string experiment, RunState state, long step, long? total, double? rate = null) => new()
    {
        Id = $"{experiment}-{Guid.NewGuid():N}"[..16], Experiment = experiment, Task = "copy", Model = "asrnn", State = state,
        Step = step, TotalSteps = total, IterationsPerSecond = rate, Folder = "runs/x",
    };

    static DeviceStatus Slot(DeviceState state) => new() { Node = "n", Device = "cpu/0", State = state };

    [Fact]
    public void Counts_iterations_rate_and_time_left_over_the_slots()
    {
        var runs = new[]
        {
            Run("a", RunState.Completed, 100, 100),
            Run("a", RunState.Running, 40, 100, rate: 20),    // 3 s alone
            Run("a", RunState.Running, 10, 100, rate: 30),    // 3 s alone
            Run("a", RunState.Pending, 0, 100),
            Run("a", RunState.Pending, 0, 100),
            Run("a", RunState.Failed, 20, 100),               // plans no more than it reached
        };
        // Three slots that can work: two busy, one idle (a quarantined one does not count).
        var p = SweepProgress.Of(runs, [Slot(DeviceState.Busy), Slot(DeviceState.Busy), Slot(DeviceState.Idle), Slot(DeviceState.Quarantined)]);
        Assert.Equal((1, 2, 2, 1, 0), (p.Count(RunState.Completed), p.Count(RunState.Running), p.Count(RunState.Pending), p.Count(RunState.Failed), p.Count(RunState.Retrying)));
        Assert.Equal(100 + 40 + 10 + 20, p.IterationsDone);
        Assert.Equal(100 + 100 + 100 + 100 + 100 + 20, p.IterationsPlanned);
        Assert.Equal(50, p.IterationsPerSecond);
        // 350 iterations left; the working slots run at 20 and 30, the idle one at their mean (25): 75 it/s.
        Assert.Equal(350 / 75.0, p.SecondsLeft!.Value, 1e-9);
        Assert.Equal(0, p.RunsWithoutTotal);
    }

    [Fact]
    public void The_time_left_is_never_less_than_the_slowest_running_run_needs_and_idle_slots_help_only_while_runs_wait()
    {
        var runs = new[] { Run("a", RunState.Running, 0, 1000, rate: 10), Run("a", RunState.Running, 90, 100, rate: 10) };
        var p = SweepProgress.Of(runs, Enumerable.Range(0, 8).Select(_ => Slot(DeviceState.Idle)));
        Assert.Equal(100, p.SecondsLeft!.Value, 1e-9);
    }

    [Fact]
    public void An_epoch_run_not_started_counts_as_its_experiments_known_runs_or_is_named_unknown()
    {
        var runs = new[]
        {
            Run("mnist", RunState.Running, 50, 1000, rate: 5),
            Run("mnist", RunState.Pending, 0, null),
            Run("ptb", RunState.Pending, 0, null),
        };
        var p = SweepProgress.Of(runs, [Slot(DeviceState.Busy)]);
        Assert.Equal(2000, p.IterationsPlanned);
        Assert.Equal(1, p.RunsWithoutTotal);
        Assert.Null(SweepProgress.Of(runs.Skip(1), [Slot(DeviceState.Idle)]).SecondsLeft);
        Assert.Equal(0, SweepProgress.Of([Run("a", RunState.Completed, 10, 10)], []).SecondsLeft);
    }

    [Fact]
    public void The_status_file_holds_it_by_the_states_names()
    {
        var p = SweepProgress.Of([Run("a", RunState.Completed, 10, 10), Run("a", RunState.Retrying, 3, 10)], []);
        var json = JsonSerializer.Serialize(p, SweepStatus.Json);
        Assert.Contains("\"completed\": 1", json);
        Assert.Contains("\"retrying\": 1", json);
        Assert.Contains("\"iterations_done\": 13", json);
        Assert.Equal(p.RunsByState, JsonSerializer.Deserialize<SweepProgress>(json, SweepStatus.Json)!.RunsByState);
    }
}
