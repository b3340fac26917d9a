using TorchSharp;

namespace AsRnnGrid.Training.Models;

/// <summary>Builds a model from its spec, drawing every initial value from <paramref name="generator"/> (a CPU generator the run owns).</summary>
public static class ModelFactory
{
    public static SequenceModel Create(ModelSpec spec, torch.Generator generator)
        => throw new NotImplementedException("models come next");
}
