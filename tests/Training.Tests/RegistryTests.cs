using System.Text.Json;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using TorchSharp;

namespace AsRnnGrid.Training.Tests;

/// <summary>
/// What every registered model and task must do, read from the registries rather than from a list kept here: a kind
/// added to a registry is tested by adding it, and a kind left out of its registry fails the first test.
/// </summary>
[Collection("Serial")]
public class RegistryTests
{
    public static TheoryData<string> Models() => [.. ModelKind.All.Select(m => m.Name)];

    public static TheoryData<string> Tasks() => [.. TaskKind.All.Select(t => t.Name)];

    [SkippableFact]
    public void Every_kind_in_the_code_is_registered_once_under_a_name_of_its_own()
    {
        static Type[] Declared<T>() => typeof(T).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(T)) && !t.IsAbstract).OrderBy(t => t.Name).ToArray();
        Assert.Equal(Declared<ModelKind>(), ModelKind.All.Select(m => m.GetType()).OrderBy(t => t.Name));
        Assert.Equal(Declared<TaskKind>(), TaskKind.All.Select(t => t.GetType()).OrderBy(t => t.Name));
        Assert.Equal(ModelKind.All.Count, ModelKind.All.Select(m => m.Name).Distinct().Count());
        Assert.Equal(TaskKind.All.Count, TaskKind.All.Select(t => t.Name).Distinct().Count());
        Assert.All(ModelKind.All.Select(m => m.Name).Concat(TaskKind.All.Select(t => t.Name)), name => Assert.Matches("^[a-z][a-z0-9_]*$", name));
    }

    [SkippableFact]
    public void Every_model_has_its_own_place_in_the_reports()
        => Assert.Equal(Enumerable.Range(0, ModelKind.All.Count), ModelKind.All.Select(m => m.ReportPosition).Order());

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void A_model_is_parsed_from_its_name_and_formatted_back_to_it(string name)
    {
        var model = ModelKind.Parse(name);
        Assert.Same(model, TrainOption.Get("model").Parse(name));
        Assert.Equal(name, model.ToString());
        Assert.Contains(name, TrainOption.Get("model").Choices);
        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(model));
        Assert.Same(model, JsonSerializer.Deserialize<ModelKind>($"\"{name}\""));
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void A_model_round_trips_through_run_yaml_and_json(string model)
        => AssertRoundTrip(TestRuns.TinyCopy(model));

    [SkippableTheory]
    [MemberData(nameof(Tasks))]
    public void A_task_round_trips_through_run_yaml_and_json(string task)
        => AssertRoundTrip(TestRuns.Config(("task", task), ("hidden_size", "8")));

    static void AssertRoundTrip(RunConfig config)
    {
        var path = Path.Combine(TestRuns.NewFolder(), RunYaml.FileName);
        RunYaml.Write(path, config);
        var read = RunYaml.Read(path);
        Assert.Equal(config, read);
        Assert.Equal(ConfigHash.Compute(config), ConfigHash.Compute(read));
        Assert.Equal(config, JsonSerializer.Deserialize<RunConfig>(JsonSerializer.Serialize(config)));
    }

    /// <summary>Every model builds and trains on the copy task (every model takes it) and resumes there bit for bit.</summary>
    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void A_model_trains_on_the_copy_task_and_resumes_exactly(string model)
        => ResumeExactnessTests.AssertResumeIsExact(TestRuns.TinyCopy(model, ("iterations", "4")), stopAfter: 2);

    /// <summary>Its parameter groups are what its kind says: a recurrent group at rmsprop_constr_lr exactly where it uses that rate.</summary>
    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void A_models_parameter_groups_match_its_learning_rates(string name)
    {
        var config = TestRuns.TinyCopy(name);
        using var model = ModelFactory.Create(ModelSpecResolver.Resolve(config, TaskShape.Nominal(config)), new torch.Generator(1, torch.CPU));
        var groups = model.ParameterGroups();
        Assert.Equal(config.Model.UsesRecurrentRate, groups.Any(g => g.Rate == GroupRate.Recurrent && g.Parameters.Count > 0));
        Assert.Equal(model.parameters().Count(), groups.Sum(g => g.Parameters.Count));
        Assert.Equal(config.Model.UsesRecurrentRate, config.UsesRecurrentRate);
    }

    [SkippableTheory]
    [MemberData(nameof(Tasks))]
    public void A_tasks_defaults_are_its_own_and_valid(string name)
    {
        var task = TaskKind.Parse(name);
        Assert.Same(task, task.Defaults.Task);
        Assert.Equal(task.Defaults, RunConfigBuilder.Build([new("task", name)]));
        Assert.Equal(task.IsEpochTask, task.Defaults.IsEpochTask);
        Assert.Contains(name, TrainOption.Get("task").Choices);
        var shape = task.Shape(task.Defaults);
        Assert.True(shape.InputSize > 0 && shape.OutputSize > 0 && shape.SequenceLength > 0, name);
        Assert.False(string.IsNullOrEmpty(task.Metric.Name));
    }

    /// <summary>Every task trains a tiny run with the default model, with its data where it needs some, and its metric finds its numbers.</summary>
    [SkippableTheory]
    [MemberData(nameof(Tasks))]
    public void A_task_trains_and_is_judged_by_its_metric(string name)
    {
        var task = TaskKind.Parse(name);
        var config = Tiny(task, iterations: 3, epochs: 1);
        var folder = TestRuns.NewFolder();
        var result = TestRuns.Train(config, folder);
        Assert.Equal("completed", result.Status);
        Assert.Equal(name, result.Task);
        Assert.NotNull(task.Metric.FromResult(result));
        var points = File.ReadAllLines(Path.Combine(folder, "metrics.jsonl")).Select(l => JsonSerializer.Deserialize<MetricsPoint>(l, MetricsJson.Options)!).ToList();
        Assert.Contains(points, p => task.Metric.Curve(p) is not null);
    }

    /// <summary>
    /// Every task pauses at its first point (2 iterations, or 1 epoch of 2) and its log line there holds every metric the task
    /// says it reports where it pauses, its report's among them: what early stopping's rungs compare.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Tasks))]
    public void A_task_paused_at_a_point_reports_every_metric_it_names_there(string name)
    {
        var task = TaskKind.Parse(name);
        var config = Tiny(task, iterations: 4, epochs: 2);
        Assert.Contains(task.ReportPauseMetric, task.PauseMetrics);
        var at = new TrainingPoint(task.IsEpochTask ? 1 : 2, task.Unit);
        Assert.Null(task.PauseProblem(at, config));
        var result = new TrainingRun(config, TestRuns.NewFolder(), new QuietObserver(), new TrainingRunOptions { PauseAt = at }).Run(CancellationToken.None);
        Assert.Equal(("paused", at.ToString()), (result.Status, result.PausedAt));
        Assert.All(task.PauseMetrics, m => Assert.True(m.Of(result.PausePoint!) is not null, $"{name} names {m} but its line at {at} has none"));
    }

    sealed class QuietObserver : ITrainingObserver { }

    /// <summary>The task's defaults at a size that trains in a moment, with its test data where it needs some.</summary>
    static RunConfig Tiny(TaskKind task, int iterations, int epochs) => task.Defaults with
    {
        HiddenSize = 8, BatchSize = 4, EvalBatchSize = 4, Iterations = iterations, Epochs = epochs, LogEvery = 1, CheckpointEvery = 1000,
        RecallLength = 3, DelayLength = 5, SeqLength = 10, TrainSamples = 8, TestSamples = 8, Emsize = 4, Bptt = 20,
        DataDir = task.Data is { } data ? DataFor(data) : "data",
    };

    /// <summary>The test data of each kind of data files; a task with files of a new kind has none here and fails until it is added.</summary>
    static string DataFor(DataFiles data) => data.Kind switch
    {
        "MNIST" => MnistSubset.Folder,
        "PTB" => SmallPtbCorpus.Create(),
        _ => throw new InvalidOperationException($"no test data for {data.Kind} files"),
    };
}
