using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Tests.Report;

/// <summary>
/// A small sweep trained for real, in process, into a results folder: experiment "copy" (asrnn and lstm, hidden 8,
/// 60 iterations, seeds 1 and 2 completed; asrnn seed 3 failed by an injected fault; lstm seed 3 still running, its
/// metrics.jsonl ending in half a line) and experiment "mnist &lt;16k&gt; &amp; co" (asrnn 122 just started: run.yaml only;
/// exprnn 170 pending: no folder). Its sweep-status.json says so, as the supervisor would.
/// </summary>
public sealed class FinishedSweep : IDisposable
{
    public const string FailReason = "injected fault at step 20 (test setting); gave up after 3 attempts";
    public const string MnistExperiment = "mnist <16k> & co";
    public const int RunningLines = 7;

    public string Results { get; }
    public IReadOnlyList<RunStatus> Runs { get; }

    public FinishedSweep()
    {
        Results = Directory.CreateTempSubdirectory("asrnn-report-").FullName;
        var runs = new List<RunStatus>();
        foreach (var model in new[] { "asrnn", "lstm" })
            foreach (var seed in new[] { 1L, 2L })
            {
                var (id, folder, config) = Plan("copy", Copy(model, seed));
                new TrainingRun(config, folder, new QuietObserver()).Run(CancellationToken.None);
                runs.Add(Status(id, "copy", config, RunState.Completed, null));
            }

        // Failed: the run throws at step 20 (as a crashed trainer would leave it: a log, no result.json).
        {
            var (id, folder, config) = Plan("copy", Copy("asrnn", 3));
            Assert.Throws<InjectedFaultException>(() =>
                new TrainingRun(config, folder, new QuietObserver(), new TrainingRunOptions { Faults = new InjectedFaults { FailAtStep = 20 } }).Run(CancellationToken.None));
            runs.Add(Status(id, "copy", config, RunState.Failed, FailReason));
        }

        // Running: a whole run's first lines and half of the next, as a reader may catch a live log.
        {
            var (id, folder, config) = Plan("copy", Copy("lstm", 3));
            var scratch = Directory.CreateTempSubdirectory("asrnn-report-live-").FullName;
            new TrainingRun(config, scratch, new QuietObserver()).Run(CancellationToken.None);
            Directory.CreateDirectory(folder);
            File.Copy(Path.Combine(scratch, "run.yaml"), Path.Combine(folder, "run.yaml"));
            var lines = File.ReadAllLines(Path.Combine(scratch, "metrics.jsonl"));
            var partial = lines[RunningLines];
            File.WriteAllText(Path.Combine(folder, "metrics.jsonl"), string.Concat(lines.Take(RunningLines).Select(l => l + "\n")) + partial[..(partial.Length / 2)]);
            Directory.Delete(scratch, recursive: true);
            runs.Add(Status(id, "copy", config, RunState.Running, null));
        }

        // MNIST: one run just started (run.yaml written, nothing logged), one not started.
        {
            var config = RunConfigBuilder.Build([new("task", "smnist"), new("model", "asrnn"), new("hidden_size", "122"), new("random_seed", "1")]);
            var (id, folder, _) = Plan(MnistExperiment, config);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "run.yaml"), RunYaml.Format(config));
            runs.Add(Status(id, MnistExperiment, config, RunState.Running, null));
            var pending = RunConfigBuilder.Build([new("task", "smnist"), new("model", "exprnn"), new("hidden_size", "170"), new("random_seed", "1")]);
            runs.Add(Status(Plan(MnistExperiment, pending).Id, MnistExperiment, pending, RunState.Pending, null));
        }

        Runs = runs;
        new SweepStatus { SweepFile = "experiments.yaml", Updated = DateTimeOffset.UtcNow, State = SweepState.Running, Runs = runs }.Write(Results);
    }

    public static RunConfig Copy(string model, long seed) => RunConfigBuilder.Build(new (string, string)[]
    {
        ("task", "copy"), ("model", model), ("hidden_size", "8"), ("recall_length", "3"), ("delay_length", "5"),
        ("batch_size", "8"), ("iterations", "60"), ("log_every", "5"), ("rmsprop_lr", "1e-2"), ("rmsprop_constr_lr", "1e-3"),
        ("checkpoint_every", "1000"), ("random_seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("device", "cpu"),
    }.Select(v => new KeyValuePair<string, string>(v.Item1, v.Item2)));

    (string Id, string Folder, RunConfig Config) Plan(string experiment, RunConfig config)
    {
        var id = $"{string.Concat(experiment.Where(char.IsAsciiLetterOrDigit))}-{ConfigHash.Compute(config)[..8]}";
        return (id, Path.Combine(Results, "runs", id), config);
    }

    static RunStatus Status(string id, string experiment, RunConfig config, RunState state, string? reason) => new()
    {
        Id = id, Experiment = experiment, Task = config.Task.Name, Model = config.Model.Name, HiddenSize = config.HiddenSize,
        Seed = config.RandomSeed, State = state, Reason = reason, Folder = Path.Combine("runs", id), Attempt = 1,
    };

    public string Folder(RunStatus run) => Path.Combine(Results, run.Folder);

    public void Dispose()
    {
        try { Directory.Delete(Results, recursive: true); }
        catch (IOException) { /* best effort: a leftover temp folder is harmless */ }
    }

    sealed class QuietObserver : ITrainingObserver { }
}

[CollectionDefinition(Name)]
public sealed class FinishedSweepCollection : ICollectionFixture<FinishedSweep>
{
    public const string Name = "finished sweep";
}
