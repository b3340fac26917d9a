using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using TorchSharp;
using TorchSharp.Modules;

namespace AsRnnGrid.Training.Loop;

/// <summary>The run's optimiser, shared by the training loop and the benchmark so both time the same step.</summary>
public static class RunOptimizer
{
    /// <summary>
    /// One optimiser over the model's parameter groups (spec §6.1, §2.15): RMSprop (the reference's; eps 1e-8, no momentum,
    /// not centred) or Adam (NRU, nnRNN's README; eps 1e-8), each group at rmsprop_lr or rmsprop_constr_lr with its own
    /// weight decay. PyTorch's weight decay adds lambda * theta to the gradient, the penalty lambda/2 ||theta||^2 (nnRNN's Tdecay).
    /// </summary>
    public static OptimizerHelper Create(RunConfig config, SequenceModel model)
    {
        var groups = model.ParameterGroups().Where(g => g.Parameters.Count > 0).ToArray();
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
}
