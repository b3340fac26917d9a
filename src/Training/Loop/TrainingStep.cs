using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using TorchSharp;
using TorchSharp.Modules;

namespace AsRnnGrid.Training.Loop;

/// <summary>
/// One training iteration as the loop runs it and the benchmark times it: forward on the task's batch, loss plus
/// the model's penalty, zero grads, backward, global-norm clipping, optimiser step, the model's and task's updates.
/// The caller owns the DisposeScope.
/// </summary>
public static class TrainingStep
{
    /// <summary>
    /// Runs the iteration; when the loss is not finite nothing is stepped and the statistics say so. Otherwise the statistics
    /// carry the global gradient norm before clipping.
    /// </summary>
    public static BatchStatistics Run(SequenceModel model, OptimizerHelper optimizer, TaskSession task,
        IReadOnlyList<Parameter> trainable, double clipNorm, int batchInEpoch)
    {
        var (loss, stats) = task.TrainingForward(model, batchInEpoch);
        if (!double.IsFinite(stats.Loss)) return stats;
        var total = model.RegularizationLoss() is { } penalty ? loss + penalty : loss;
        optimizer.zero_grad();
        total.backward();
        // Without clipping the norm is still measured: an infinite bound scales every gradient by exactly 1, so the step is the same.
        double norm = torch.nn.utils.clip_grad_norm_(trainable, clipNorm > 0 ? clipNorm : double.PositiveInfinity, 2.0);
        optimizer.step();
        model.OnParametersUpdated();
        task.AfterStep();
        return stats with { GradNorm = norm };
    }

    /// <summary>Every trained parameter, main group first (the set clipped together).</summary>
    public static Parameter[] Trainable(SequenceModel model) => model.ParameterGroups().SelectMany(g => g.Parameters).ToArray();
}
