using System.Text.Json;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using Xunit.Abstractions;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>The supervisor with real trainer actors running real `asrnn-grid train` child processes.</summary>
public sealed class SweepSupervisorTests(ITestOutputHelper output)
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Two_trainers_complete_a_six_run_grid_each_run_once()
    {
        var results = TestSweeps.TempResults();
        var sweep = TestSweeps.CopyGrid(results, ["asrnn", "exprnn", "lstm"], [1, 2]);
        await using (var host = SweepHost.Start(sweep, TestSweeps.Options(2, log: output.WriteLine)))
        {
            var ended = await host.Ended.WaitAsync(Limit);
            Assert.Equal((SweepEnd.Finished, 6, 0, 0), (ended.State, ended.Completed, ended.Failed, ended.NotDone));
        }
        var status = SweepStatus.Read(results)!;
        Assert.Equal(SweepState.Finished, status.State);
        Assert.All(status.Runs, r =>
        {
            Assert.Equal(RunState.Completed, r.State);
            Assert.Single(r.Attempts);
            Assert.Equal(60, r.Step);
            var result = JsonSerializer.Deserialize<RunResult>(File.ReadAllText(Path.Combine(results, r.Folder, "result.json")))!;
            Assert.Equal("completed", result.Status);
            Assert.Equal(result.FinalLoss, r.Loss);
            // The child trained the configuration the sweep resolved, read from the run.yaml the supervisor wrote.
            var planned = sweep.Runs.Single(p => p.Id == r.Id).Config;
            Assert.Equal(ConfigHash.Compute(planned), result.ConfigHash);
            Assert.Equal(planned with { Device = "cpu" }, RunYaml.Read(Path.Combine(results, r.Folder, RunYaml.FileName)));
        });
        // Both slots took work.
        Assert.Equal(["cpu slot 0", "cpu slot 1"], status.Runs.Select(r => r.Attempts[0].Device).Distinct().Order().ToArray());
        Assert.True(File.Exists(Path.Combine(results, "ledger.db")));
    }
}
