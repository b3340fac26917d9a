using TorchSharp.Modules;

namespace AsRnnGrid.Training.Models;

/// <summary>Which of the run's two learning rates a parameter group trains at.</summary>
public enum GroupRate
{
    /// <summary>rmsprop_lr: everything but the recurrent kernel.</summary>
    Main,
    /// <summary>rmsprop_constr_lr: the reference's "recurrent_kernel" group, nnRNN's orthogonal optimiser, ENRNN's A_lr.</summary>
    Recurrent,
}

/// <summary>
/// One optimiser parameter group: its rate and its own L2 weight decay (nnRNN's T). Groups of one optimiser keep separate
/// per-parameter state, so the papers' "separate optimisers" of one type are groups here (docs/models.md §2.15).
/// </summary>
public sealed record ParameterGroup(string Name, IReadOnlyList<Parameter> Parameters, GroupRate Rate, double WeightDecay = 0);
