using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>Tiny copy-task sweeps for the supervisor tests, built without a YAML file.</summary>
public static class TestSweeps
{
    public static IReadOnlyList<KeyValuePair<string, string>> TinyCopy(string model, int seed, int iterations = 60) =>
    [
        new("task", "copy"), new("model", model), new("hidden_size", "8"), new("batch_size", "16"),
        new("recall_length", "3"), new("delay_length", "5"), new("iterations", iterations.ToString()),
        new("rmsprop_lr", "0.01"), new("rmsprop_constr_lr", "0.001"), new("log_every", "10"),
        new("checkpoint_every", "20"), new("random_seed", seed.ToString()),
    ];

    public static PlannedRun Run(string experiment, IReadOnlyList<KeyValuePair<string, string>> options)
    {
        var config = RunConfigBuilder.Build(options);
        return new PlannedRun(RunId.For(experiment, config), experiment, options, config);
    }

    /// <summary>models x seeds copy runs, in one experiment.</summary>
    public static SweepDefinition CopyGrid(string results, string[] models, int[] seeds, int iterations = 60) => new()
    {
        File = Path.Combine(results, "test-sweep.yaml"),
        Results = results,
        RetryBackoffSeconds = 0.2,
        HeartbeatTimeoutSeconds = 60,
        Runs = models.SelectMany(m => seeds.Select(s => Run("copy", TinyCopy(m, s, iterations)))).ToArray(),
    };

    public static SweepHostOptions Options(int slots, FaultPlan? faults = null, Action<string>? log = null) => new()
    {
        Slots = Enumerable.Range(0, slots).Select(i => ("cpu", i)).ToArray(),
        Launcher = TrainLauncher.ForAssemblyIn(AppContext.BaseDirectory),
        Faults = faults ?? FaultPlan.None,
        Tick = TimeSpan.FromMilliseconds(200),
        OnNotice = n => log?.Invoke(n.Text),
    };

    public static string TempResults()
    {
        var path = Path.Combine(Path.GetTempPath(), "asrnn-sweep-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The status file, or null while it does not exist or is being replaced.</summary>
    public static SweepStatus? TryReadStatus(string results)
    {
        try { return SweepStatus.Read(results); }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException) { return null; }
    }

    /// <summary>The text of a tiny copy-task sweep file (one experiment, models x seeds, a checkpoint every 20 steps).</summary>
    public static string CopyGridFile(string models, string seeds, int iterations, int cpuSlots = 1) => $"""
        results: results
        retry_backoff: 1
        cpu_slots: {cpuSlots}
        defaults:
          task: copy
          hidden_size: 8
          batch_size: 16
          recall_length: 3
          delay_length: 5
          iterations: {iterations}
          log_every: 20
          checkpoint_every: 20
        experiments:
          - name: copy
            grid:
              model: [{models}]
            seeds: [{seeds}]
        """;

    /// <summary>An experiments.yaml with this text in a new temporary folder; its results go to results/ beside it.</summary>
    public static (string File, string Results) WriteSweepFile(string text)
    {
        var folder = TempResults();
        var file = Path.Combine(folder, "experiments.yaml");
        File.WriteAllText(file, text);
        return (file, Path.Combine(folder, "results"));
    }
}
