using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using TorchSharp;

namespace AsRnnGrid.Actors.Report;

/// <summary>
/// The trainable parameters of a configuration, counted as the training loop counts them (skew-symmetric kernels as
/// n(n−1)/2), by building the model on the CPU without training it: for runs that have no result.json yet.
/// </summary>
public static class ParameterCounter
{
    public static long Count(RunConfig config)
    {
        var spec = ModelSpecResolver.Resolve(config, TaskShape.Nominal(config));
        using var generator = new torch.Generator(0, torch.CPU);
        using var model = ModelFactory.Create(spec, generator);
        return model.ParameterCount;
    }
}
