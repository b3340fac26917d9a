using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// A whole model as the training loop sees it: optional embedding, the recurrence, the decoder.
/// Tensors are time-major: inputs (T, B, I) floats, or (T, B) int64 token ids when the model has an embedding.
/// </summary>
public abstract class SequenceModel : nn.Module
{
    protected SequenceModel(string name) : base(name) { }

    /// <summary>
    /// Runs the sequence from <paramref name="state"/> (null: zeros) and decodes.
    /// AllSteps gives (T, B, O), LastStep gives (B, O). The returned state is the state after the last step.
    /// </summary>
    public abstract (Tensor Output, RecurrentState State) Forward(Tensor input, RecurrentState? state, Readout readout);

    /// <summary>
    /// The optimiser's parameter groups, main group first; every trainable parameter is in exactly one.
    /// The order is part of a checkpoint's optimiser state, so a model never reorders its groups.
    /// </summary>
    public abstract IReadOnlyList<ParameterGroup> ParameterGroups();

    /// <summary>Parameter count as the papers count it (a skew parameter of n x n counts n(n-1)/2).</summary>
    public abstract long ParameterCount { get; }

    /// <summary>
    /// Extra loss terms added to the task loss of the training forward just run (nnRNN's penalty, g-LSTM's budget, the
    /// auxiliary losses); null when there are none. Reading it clears what the forward left, so call it once per step.
    /// </summary>
    public virtual Tensor? RegularizationLoss() => null;

    /// <summary>Called after every optimiser step: cached recurrent matrices are stale (dtriv counts a generation event on the next read).</summary>
    public abstract void OnParametersUpdated();
}
