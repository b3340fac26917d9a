using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using TorchSharp;

namespace AsRnnGrid.Training.Configuration;

/// <summary>
/// Turns a run's options into the model's spec: the model's nonlinearity and orthogonal mode, with the
/// combinations the reference cannot run refused in one line (docs/models.md §2.2, §2.6, §9). What a model or task refuses of
/// itself is its kind's; the rules here read what the kinds say of themselves, so they name no model.
/// </summary>
public static class ModelSpecResolver
{
    public static ModelSpec Resolve(RunConfig c, TaskShape shape)
    {
        Check(c);
        var model = c.Model;
        int n1 = c.HiddenSize - c.EnrnnN2;
        return new ModelSpec
        {
            Model = model, Nonlinear = c.Nonlinear != "auto" ? c.Nonlinear : model.AutoNonlinear, Mode = model.Mode(c),
            InputSize = shape.InputSize, HiddenSize = c.HiddenSize, OutputSize = shape.OutputSize, VocabularySize = shape.VocabularySize,
            Init = c.Init, A = c.A, B = c.B, Eps = c.Eps, RhoRatDen = c.RhoRatDen, ForgetBias = c.ForgetBias,
            K = c.K == "infty" ? 0 : int.Parse(c.K, System.Globalization.CultureInfo.InvariantCulture), M = c.M,
            LstmReadout = c.LstmReadout, DecoderInit = model.DecoderInit ?? shape.DecoderInit, Fused = c.Fused,
            InputKind = shape.InputKind, SequenceLength = shape.SequenceLength,
            Delta = c.Delta, TDecay = c.TDecay,
            EnrnnN2 = c.EnrnnN2, EnrnnNegOnes = c.EnrnnNegOnes >= 0 ? c.EnrnnNegOnes : (int)Math.Round(0.3 * n1, MidpointRounding.AwayFromZero),
            NruMemory = c.NruMemory, NruHeads = c.NruHeads,
            // Chrono's T_max (docs/models.md §2.11 leaves the per-task value open): the task's sequence length, its longest possible dependency.
            Chrono = c.Chrono, TMax = c.TMax > 0 ? c.TMax : shape.SequenceLength,
            Gate = c.Gate, KafSize = c.KafSize, KafBoundary = c.KafBoundary, KafInit = c.KafInit,
            GlstmBudget = c.GlstmBudget, GlstmSigma = c.GlstmSigma,
            Aux = c.Aux, AuxWeight = c.AuxWeight, AuxLength = c.AuxLength, AuxAnchors = c.AuxAnchors, AuxTruncate = c.AuxTruncate,
            DType = c.DType == "float64" ? torch.ScalarType.Float64 : torch.ScalarType.Float32,
        };
    }

    /// <summary>The names of the models of which <paramref name="has"/> holds, in registry order.</summary>
    static IEnumerable<string> Models(Func<ModelKind, bool> has) => ModelKind.All.Where(has).Select(m => m.Name);

    /// <summary>Refuses the combinations the specification calls invalid.</summary>
    public static void Check(RunConfig c)
    {
        var m = c.Model;
        if (c.Nonlinear == "asrnn" && m.OwnNonlinearity is null && !m.Nonlinears.Contains("asrnn"))
            throw new ConfigurationException($"nonlinear asrnn needs an orthogonal mode; model {m} has none (the reference fails its assertion): use nonlinear {NameList.Or(m.Nonlinears)}");
        if (c.Nonlinear == "tanh" && !m.Nonlinears.Contains("tanh"))
            throw new ConfigurationException($"nonlinear tanh is offered for model {NameList.Or(ModelFactory.ModelsTaking("tanh"))} only (a new variant); model {m} takes asrnn or modrelu");
        if (c.Mode != "auto" && !m.ChoosesMode)
            throw new ConfigurationException($"mode {c.Mode} applies to model {NameList.Or(Models(k => k.ChoosesMode))} only; for model {m} choose the model {NameList.Or(Models(k => k.FixedMode is not null))} instead");
        if (c.A > c.B)
            throw new ConfigurationException($"a ({c.A}) must not exceed b ({c.B})");
        if (m.OwnNonlinearity is { } own && c.Nonlinear != "auto" && !m.Nonlinears.Contains(c.Nonlinear))
            throw new ConfigurationException($"model {m} has its own nonlinearity ({own}): leave nonlinear at auto");
        if (c.Chrono && !m.HasGates)
            throw new ConfigurationException($"chrono initialises the gate biases of {NameList.And(Models(k => k.HasGates))}; model {m} has no gates");
        if (c.Chrono && c.TMax is > 0 and <= 2)
            throw new ConfigurationException($"t_max ({c.TMax}) must exceed 2: chrono draws log U(1, t_max - 1)");
        if (c.Gate == "kaf" && !m.HasKafGates)
            throw new ConfigurationException($"gate kaf replaces the sigmoid gates of {NameList.And(Models(k => k.HasKafGates))}; model {m} has none");
        if (c.Aux != "none" && !m.HasAuxiliaryLoss)
            throw new ConfigurationException($"aux {c.Aux} trains an auxiliary LSTM beside model {NameList.Or(Models(k => k.HasAuxiliaryLoss))}; model {m} takes aux none");
        if (c.Aux == "reconstruct" && c.AuxLength < 2)
            throw new ConfigurationException($"aux reconstruct feeds the first input of the segment and predicts the rest: aux_length must be at least 2, got {c.AuxLength}");
        foreach (var other in ModelKind.All.Where(k => k != m))
            foreach (var (option, isSet) in other.OwnOptions)
                if (isSet(c))
                    throw new ConfigurationException($"{option} applies to model {other} only, not {m}");
        m.Check(c);
        c.Task.Check(c);
    }
}
