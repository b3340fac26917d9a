using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using TorchSharp;
using TorchSharp.Modules;

namespace AsRnnGrid.Training.Loop;

/// <summary>The run's optimiser, shared by the training loop and the benchmark so both time the same step.</summary>
public static class RunOptimizer
{
    /// <summary>One RMSprop, two groups (spec §6.1): the recurrent kernel at rmsprop_constr_lr, everything else at rmsprop_lr.</summary>
    public static OptimizerHelper Create(RunConfig config, SequenceModel model)
    {
        var groups = new List<RMSProp.ParamGroup>
        {
            new(model.MainParameters(), config.RmspropLr, config.Alpha, 1e-8, 0, 0, false),
        };
        if (model.RecurrentParameters().Count > 0)
            groups.Add(new RMSProp.ParamGroup(model.RecurrentParameters(), config.RmspropConstrLr, config.Alpha, 1e-8, 0, 0, false));
        return torch.optim.RMSProp(groups, config.RmspropLr, config.Alpha, 1e-8, 0, 0, false, false);
    }
}
