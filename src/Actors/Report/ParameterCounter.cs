using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using TorchSharp;

namespace AsRnnGrid.Actors.Report;

/// <summary>
/// The trainable parameters of a configuration, counted as the training loop counts them (skew-symmetric kernels as
/// n(n−1)/2), by building the model on the CPU without training it: for runs that have no result.json yet.
/// </summary>
public static class ParameterCounter
{
    /// <summary>PTB's character vocabulary (spec §5.4: V = 50); the other shapes are the task sessions' own.</summary>
    public const int PtbVocabulary = 50;

    public static long Count(RunConfig config)
    {
        var (input, output, vocabulary, decoder) = config.Task switch
        {
            "copy" => (10, 9, 0, "kaiming"),
            "adding" => (2, 1, 0, "default"),
            "smnist" or "pmnist" => (1, 10, 0, "default"),
            "ptb" => (config.Emsize, PtbVocabulary, PtbVocabulary, "uniform"),
            _ => throw new ConfigurationException($"unknown task '{config.Task}'"),
        };
        var spec = ModelSpecResolver.Resolve(config, input, output, vocabulary, decoder);
        using var generator = new torch.Generator(0, torch.CPU);
        using var model = ModelFactory.Create(spec, generator);
        return model.ParameterCount;
    }
}
