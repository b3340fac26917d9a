using AsRnnGrid.Training.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// Builds a model from its spec, drawing every initial value from <paramref name="generator"/> (a CPU generator
/// the run owns) and placing the tensors on <paramref name="device"/>.
/// </summary>
public static class ModelFactory
{
    public static SequenceModel Create(ModelSpec spec, Generator generator) => Create(spec, generator, torch.CPU);

    public static SequenceModel Create(ModelSpec spec, Generator generator, Device device)
    {
        Validate(spec);
        return spec.Model.Create(spec, generator, device);
    }

    /// <summary>What every model needs of a spec; then the model's own rules.</summary>
    static void Validate(ModelSpec spec)
    {
        var model = spec.Model;
        if (spec.HiddenSize < 2) throw new ArgumentException("hidden_size must be at least 2");
        if (model.OwnNonlinearity is null)
        {
            if (spec.Nonlinear == "asrnn" && !model.Nonlinears.Contains("asrnn"))
                throw new ArgumentException($"model {model} cannot use the asrnn nonlinearity (it needs an orthogonal mode)");
            if (spec.Nonlinear == "tanh" && !model.Nonlinears.Contains("tanh"))
                throw new ArgumentException($"the tanh nonlinearity is offered for model {NameList.Or(ModelsTaking("tanh"))} only");
        }
        model.Validate(spec);
    }

    /// <summary>The models that take nonlinear <paramref name="nonlinear"/>.</summary>
    internal static IEnumerable<string> ModelsTaking(string nonlinear) => ModelKind.All.Where(m => m.Nonlinears.Contains(nonlinear)).Select(m => m.Name);
}
