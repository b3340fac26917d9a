using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using TorchSharp;
using TorchSharp.Modules;

namespace AsRnnGrid.Training.Loop;

/// <summary>The run's optimiser, shared by the training loop and the benchmark so both time the same step.</summary>
public static class RunOptimizer
{
    /// <summary>
    /// One optimiser over the model's parameter groups (docs/models.md §6.1, §2.15): RMSprop (the reference's; eps 1e-8, no momentum,
    /// not centred) or Adam (NRU, nnRNN's README; eps 1e-8), each group at rmsprop_lr or rmsprop_constr_lr with its own
    /// weight decay. PyTorch's weight decay adds lambda * theta to the gradient, the penalty lambda/2 ||theta||^2 (nnRNN's Tdecay).
    /// </summary>
    public static OptimizerHelper Create(RunConfig config, SequenceModel model)
    {
        var groups = Groups(model);
        double Rate(ParameterGroup g) => g.Rate == GroupRate.Main ? config.RmspropLr : config.RmspropConstrLr;
        if (config.Optimizer == "adam")
            return torch.optim.Adam(
                groups.Select(g => new Adam.ParamGroup(g.Parameters, lr: Rate(g), beta1: config.AdamBeta1, beta2: config.AdamBeta2, eps: 1e-8,
                    weight_decay: g.WeightDecay, amsgrad: false, maximize: false)),
                lr: config.RmspropLr, beta1: config.AdamBeta1, beta2: config.AdamBeta2, eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false);
        // Named arguments: TorchSharp's RMSProp.ParamGroup takes (lr, eps, alpha, ...), not torch.optim.RMSProp's (lr, alpha, eps, ...).
        return torch.optim.RMSProp(
            groups.Select(g => new RMSProp.ParamGroup(g.Parameters, lr: Rate(g), eps: 1e-8, alpha: config.Alpha, weight_decay: g.WeightDecay, momentum: 0, centered: false)),
            lr: config.RmspropLr, alpha: config.Alpha, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false, maximize: false);
    }

    /// <summary>The rates the optimiser made by <see cref="Create"/> trains with now (a schedule may have changed them), by kind of group.</summary>
    public static LearningRates Rates(SequenceModel model, OptimizerHelper optimizer)
    {
        double? main = null, recurrent = null;
        foreach (var (group, optimized) in Groups(model).Zip(optimizer.ParamGroups))
            if (group.Rate == GroupRate.Main) main ??= optimized.LearningRate;
            else recurrent ??= optimized.LearningRate;
        return new LearningRates(main ?? optimizer.ParamGroups.First().LearningRate, recurrent);
    }

    /// <summary>The groups the optimiser trains, in its order: those with parameters.</summary>
    static ParameterGroup[] Groups(SequenceModel model) => model.ParameterGroups().Where(g => g.Parameters.Count > 0).ToArray();
}

/// <summary>The learning rate of the main parameter group and, for the models that have one, of the group at rmsprop_constr_lr.</summary>
public readonly record struct LearningRates(double Main, double? Recurrent);
