using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Sweep.Bench;

/// <summary>A sweep of any size for the benchmarks: every run the same tiny configuration under its own id (the book only ever reads ids).</summary>
public static class SyntheticSweep
{
    public static IReadOnlyList<PlannedRun> Plan(int runs)
    {
        IReadOnlyList<KeyValuePair<string, string>> options = [new("task", "copy"), new("model", "asrnn"), new("hidden_size", "8")];
        var config = RunConfigBuilder.Build(options);
        return Enumerable.Range(0, runs).Select(i => new PlannedRun(Id(i), "bench", options, config)).ToArray();
    }

    public static string Id(int i) => $"bench-{i:x8}";

    /// <summary>Trainer slot <paramref name="i"/> of 8 per node: four GPUs, two slots each.</summary>
    public static (string Node, string Device, int Slot) Slot(int i) => ($"node-{i / 8:d3}:4053", $"cuda:{i % 8 / 2}", i % 2);

    public static SweepDefinition Definition(string results, IReadOnlyList<PlannedRun> plan) => new()
    {
        File = Path.Combine(results, "bench.yaml"),
        Results = results,
        Runs = plan,
    };
}
