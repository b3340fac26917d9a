namespace AsRnnGrid.Actors.Tests.Report;

[Collection(FinishedSweepCollection.Name)]
public sealed class ReportCommandTests(FinishedSweep sweep)
{
    [Fact]
    public void Report_writes_its_files_into_the_results_folder_by_default()
    {
        var (exit, stdout, err) = CliProcess.Run("report", "--results", sweep.Results);
        Assert.True(exit == 0, err);
        var folder = Path.Combine(sweep.Results, "report");
        foreach (var name in new[] { "summary.md", "summary.csv", "index.html", "plot-copy.png", "plot-copy.svg", "plot-mnist__16k____co.png", "plot-mnist__16k____co.svg" })
            Assert.True(File.Exists(Path.Combine(folder, name)), name);
        Assert.Contains("8 run(s) (4 completed, 1 failed, 3 not finished)", stdout);
        Assert.Equal("", err);
    }

    [Fact]
    public void A_missing_results_folder_is_one_line_and_exit_code_2()
    {
        var missing = Path.Combine(Path.GetTempPath(), "asrnn-no-such-results-" + Guid.NewGuid().ToString("N"));
        var (exit, _, err) = CliProcess.Run("report", "--results", missing, "--out", Path.Combine(missing, "out"));
        Assert.Equal(2, exit);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {missing}: no such results folder", line);
        Assert.False(Directory.Exists(missing));
    }
}
