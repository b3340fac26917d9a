using AsRnnGrid.Actors.Sweep;
using System.Globalization;
using AsRnnGrid.Actors.Report;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Tests.Report;

/// <summary>The report's parameter counts against the papers' #PARAMS, as the specification computes them exactly (§7).</summary>
public sealed class ParameterCountTests
{
    public static TheoryData<string, string, int, long> Published()
    {
        var data = new TheoryData<string, string, int, long>();
        foreach (var p in PublishedResults.All.Where(p => p.Parameters is not null).DistinctBy(p => (p.Task == "pmnist" ? "smnist" : p.Task, p.Model, p.HiddenSize)))
            data.Add(p.Task, p.Model, p.HiddenSize, p.Parameters!.Value);
        return data;
    }

    [Theory]
    [MemberData(nameof(Published))]
    public void Counts_equal_the_specification(string task, string model, int hidden, long expected)
    {
        var config = RunConfigBuilder.Build([new("task", task), new("model", model), new("hidden_size", hidden.ToString(CultureInfo.InvariantCulture))]);
        Assert.Equal(expected, ParameterCounter.Count(config));
    }

    [Fact]
    public void Every_published_configuration_with_a_count_is_held()
    {
        // asRNN 122/257/364, expRNN and scoRNN 170/360/512, LSTM 128 on MNIST; four copy and three PTB models.
        Assert.Equal(10 + 4 + 3, Published().Count());
    }
}

[Collection(FinishedSweepCollection.Name)]
public sealed class ParameterCountOfRunsTests(FinishedSweep sweep)
{
    /// <summary>The counter's task shapes are the training loop's: a real run's result.json says the same number.</summary>
    [Fact]
    public void Counts_equal_what_the_runs_report()
    {
        foreach (var run in sweep.Runs.Where(r => r.State == RunState.Completed))
        {
            var result = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(sweep.Folder(run), "result.json"))).RootElement;
            Assert.Equal(result.GetProperty("parameters").GetInt64(), ParameterCounter.Count(FinishedSweep.Copy(run.Model, run.Seed)));
        }
    }
}
