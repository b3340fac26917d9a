using System.Text.Json.Serialization;
using AsRnnGrid.Training.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// One model as the rest of the program knows it: its name, how it is built, which of the run's options apply to it and
/// which combinations it refuses, its parameter groups' rates and its place in the reports. Each model's kind lives in the
/// file of its class and has one line in <see cref="ModelRegistry"/>; nothing else names a model.
/// </summary>
[JsonConverter(typeof(KindJsonConverter<ModelKind>))]
public abstract class ModelKind : INamedKind<ModelKind>
{
    public abstract string Name { get; }

    /// <summary>Row order in the report's tables: the papers' order, the proposed model first and the baselines after.</summary>
    public abstract int ReportPosition { get; }

    /// <summary>True where the model trains a recurrent group at rmsprop_constr_lr (<see cref="GroupRate.Recurrent"/>); false for one rate.</summary>
    public abstract bool UsesRecurrentRate { get; }

    /// <summary>The nonlinearity it runs with nonlinear: auto (asrnn | modrelu | none).</summary>
    public abstract string AutoNonlinear { get; }

    /// <summary>The values of nonlinear it takes besides auto.</summary>
    public virtual IReadOnlyList<string> Nonlinears => [];

    /// <summary>
    /// Where the model has a nonlinearity of its own, how a refusal names it ("its gates", "ReLU", "modrelu"): nonlinear
    /// must then be auto or one of <see cref="Nonlinears"/>. Null for the models whose nonlinearity is chosen.
    /// </summary>
    public virtual string? OwnNonlinearity => null;

    /// <summary>True for the model that takes the mode option (asRNN's orthogonal parametrisation).</summary>
    public virtual bool ChoosesMode => false;

    /// <summary>The orthogonal parametrisation the model is (exprnn, dtriv, cayley), or null.</summary>
    public virtual string? FixedMode => null;

    /// <summary>Gate biases that chrono initialises.</summary>
    public virtual bool HasGates => false;

    /// <summary>Sigmoid gates that gate: kaf replaces.</summary>
    public virtual bool HasKafGates => false;

    /// <summary>Takes an auxiliary loss (aux: reconstruct | predict).</summary>
    public virtual bool HasAuxiliaryLoss => false;

    /// <summary>Its decoder's initialisation where it overrides the task's; null keeps the task's.</summary>
    public virtual string? DecoderInit => null;

    /// <summary>
    /// Options that belong to this model alone, with whether a configuration sets them: refused for every other model
    /// ("glstm_budget applies to model glstm only").
    /// </summary>
    public virtual IReadOnlyList<(string Option, Func<RunConfig, bool> IsSet)> OwnOptions => [];

    /// <summary>The resolved orthogonal mode of the model's spec (exprnn | dtriv | cayley | none).</summary>
    public virtual string Mode(RunConfig config) => FixedMode ?? "none";

    /// <summary>Refuses the configurations of this model that the specification calls invalid (one line each).</summary>
    public virtual void Check(RunConfig config) { }

    /// <summary>Refuses a spec the model cannot be built from (specs are also built by hand, in tests).</summary>
    public virtual void Validate(ModelSpec spec) { }

    /// <summary>Builds the model, every initial value drawn from <paramref name="generator"/>, the tensors on <paramref name="device"/>.</summary>
    public abstract SequenceModel Create(ModelSpec spec, Generator generator, Device device);

    public static IReadOnlyList<ModelKind> All => ModelRegistry.Models.All;

    public static ModelKind Parse(string name) => ModelRegistry.Models.Parse(name);

    public static ModelKind? Find(string name) => ModelRegistry.Models.Find(name);

    public sealed override string ToString() => Name;
}
