using System.Text.Json.Nodes;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tasks;

/// <summary>
/// A task as the training loop drives it: batches as tensors on the run's device, loss and metrics, evaluation,
/// and the task's share of a checkpoint (its generators, the epoch's order, a carried state).
/// Iteration tasks (copy, adding) have no epochs to speak of; epoch tasks (MNIST, PTB) evaluate at each epoch's end.
/// </summary>
public abstract class TaskSession : IDisposable
{
    protected TaskSession(RunConfig config, Device device, ScalarType dtype)
    {
        Config = config;
        Device = device;
        DType = dtype;
    }

    public RunConfig Config { get; }
    public Device Device { get; }
    public ScalarType DType { get; }

    /// <summary>The model's input and output sizes for this task (the rest of the spec comes from the config).</summary>
    public abstract TaskShape Shape { get; }

    /// <summary>Optimiser steps per epoch; 0 for iteration tasks.</summary>
    public abstract int BatchesPerEpoch { get; }

    /// <summary>The memoryless baseline of the training loss where the task has one (copy: K ln 8 / (L + 2K), adding: 1/6).</summary>
    public virtual double? Baseline => null;

    /// <summary>Prepares epoch <paramref name="epoch"/> (its order, a zero carried state). Not called for iteration tasks.</summary>
    public virtual void BeginEpoch(int epoch) { }

    /// <summary>Forward pass on the next training batch: returns the loss (with graph) and the batch's statistics.</summary>
    public abstract (Tensor Loss, BatchStatistics Stats) TrainingForward(SequenceModel model, int batchInEpoch);

    /// <summary>Called after the optimiser step; PTB detaches and keeps its carried state here.</summary>
    public virtual void AfterStep() { }

    /// <summary>Evaluates at the end of an epoch (no grad). Null where the task has no held-out data.</summary>
    public virtual EvaluationResult? Evaluate(SequenceModel model) => null;

    /// <summary>The training loss in bits per character where the task counts so (PTB); null elsewhere.</summary>
    public virtual double? BitsPerCharacter(double loss) => null;

    /// <summary>
    /// The task's learning-rate schedule: the factor every group's rate is multiplied by after an epoch's evaluation
    /// (<paramref name="improved"/>: it set a new best). 1 keeps the rates.
    /// </summary>
    public virtual double LearningRateFactor(EvaluationResult evaluation, bool improved) => 1;

    public abstract JsonObject SaveState();
    public abstract void LoadState(JsonObject state);

    /// <summary>Tensors the task carries between iterations (PTB's hidden state).</summary>
    public virtual IReadOnlyDictionary<string, Tensor> SaveTensors() => new Dictionary<string, Tensor>();
    public virtual void LoadTensors(IReadOnlyDictionary<string, Tensor> tensors) { }

    public virtual void Dispose() { }

    public static TaskSession Create(RunConfig config, Device device, ScalarType dtype) => config.Task.CreateSession(config, device, dtype);
}

/// <summary>Sums over a batch, read back to the host once per iteration; the training step adds the gradient's norm.</summary>
public readonly record struct BatchStatistics(double Loss, long Correct, long Count, long Positions)
{
    /// <summary>The global norm of the gradient before clipping; null before the step (and when the loss was not finite).</summary>
    public double? GradNorm { get; init; }
}

/// <summary>End-of-epoch evaluation numbers.</summary>
public sealed record EvaluationResult
{
    public double? TestLoss { get; init; }
    public double? TestAccuracy { get; init; }
    public double? ValidBpc { get; init; }
    public double? ValidAccuracy { get; init; }
    public double? TestBpc { get; init; }
}
