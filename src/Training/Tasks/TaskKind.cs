using System.Text.Json.Serialization;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tasks;

/// <summary>
/// One task as the rest of the program knows it: its name, its reference defaults, what it tells the model about its data,
/// the data files it needs, its session (batches, evaluation, learning-rate schedule), and how its runs are judged in
/// progress lines, summaries and reports. Each task's kind lives in the file of its session and has one line in
/// <see cref="TaskRegistry"/>; nothing else names a task.
/// </summary>
[JsonConverter(typeof(KindJsonConverter<TaskKind>))]
public abstract class TaskKind : INamedKind<TaskKind>
{
    public abstract string Name { get; }

    /// <summary>True for the tasks measured in epochs (evaluated at each epoch's end); false for those measured in iterations.</summary>
    public abstract bool IsEpochTask { get; }

    /// <summary>The reference script's defaults for the task (docs/models.md §6.2), every option written out.</summary>
    public abstract RunConfig Defaults { get; }

    /// <summary>asRNN's reference orthogonal mode on this task (docs/models.md §2.2).</summary>
    public virtual string AsRnnMode => "exprnn";

    /// <summary>The model's sizes for this task known without its data (PTB's vocabulary is taken as 50; its session puts the corpus's in).</summary>
    public abstract TaskShape Shape(RunConfig config);

    /// <summary>The files the task reads from data_dir; null where it generates its data.</summary>
    public virtual DataFiles? Data => null;

    /// <summary>How the task's runs are judged in the report's tables and figures (docs/models.md §7).</summary>
    public abstract TaskMetric Metric { get; }

    /// <summary>The number a live log point is shown by (status, the sweep's notices), and its name.</summary>
    public abstract (double? Value, string? Name) Headline(MetricsPoint point);

    /// <summary>The number a finished run is summed up by, and its name.</summary>
    public abstract (double? Value, string? Name) Summary(RunResult result);

    /// <summary>
    /// The metrics a run of this task reports at the points where it may pause (<see cref="PauseProblem"/>): the numbers of its
    /// log line there (an iteration task's training line, an epoch task's evaluation line at the epoch's end).
    /// </summary>
    public abstract IReadOnlyList<PointMetric> PauseMetrics { get; }

    /// <summary>The metric of <see cref="PauseMetrics"/> closest to the report's (<see cref="Metric"/>): what early stopping compares by default.</summary>
    public abstract PointMetric ReportPauseMetric { get; }

    /// <summary>Iterations for the tasks measured in iterations, epochs for the others.</summary>
    public TrainingUnit Unit => IsEpochTask ? TrainingUnit.Epochs : TrainingUnit.Iterations;

    /// <summary>The run's whole length in the task's unit.</summary>
    public TrainingPoint Length(RunConfig config) => new(IsEpochTask ? config.Epochs : config.Iterations, Unit);

    /// <summary>
    /// Why a run of <paramref name="config"/> cannot pause at <paramref name="point"/> and report its metrics there, or null: the
    /// point must be in the task's unit, come before the run's end, and (iterations) fall on a log point, a multiple of log_every.
    /// Epoch tasks evaluate at each epoch's end, so every epoch before the last is a point.
    /// </summary>
    public string? PauseProblem(TrainingPoint point, RunConfig config)
    {
        if (point.Unit != Unit)
            return IsEpochTask
                ? $"{Name} reports its metrics at each epoch's end: give it in epochs, not {point}"
                : $"{Name} has no epochs (it is measured in iterations): give it in iterations, not {point}";
        var length = Length(config);
        if (point.Count >= length.Count)
            return $"{point} is not before the run's end ({(IsEpochTask ? "epochs" : "iterations")}: {length.Count})";
        if (!IsEpochTask && point.Count % config.LogEvery != 0)
            return $"{Name} reports its metrics every log_every = {config.LogEvery} iterations: {point} is not a multiple of it";
        return null;
    }

    /// <summary>Refuses the configurations of this task that cannot run (one line each).</summary>
    public virtual void Check(RunConfig config) { }

    /// <summary>The task's batches and evaluation on <paramref name="device"/> (loads its data).</summary>
    public abstract TaskSession CreateSession(RunConfig config, Device device, ScalarType dtype);

    public static IReadOnlyList<TaskKind> All => TaskRegistry.Tasks.All;

    public static TaskKind Parse(string name) => TaskRegistry.Tasks.Parse(name);

    public static TaskKind? Find(string name) => TaskRegistry.Tasks.Find(name);

    public sealed override string ToString() => Name;
}

/// <summary>The files a task reads from data_dir: what they are called together ("MNIST"), their names, and whether NAME.gz stands for NAME.</summary>
public sealed record DataFiles(string Kind, IReadOnlyList<string> Names, bool GzipAllowed);
