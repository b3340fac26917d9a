using AsRnnGrid.Training.Models;
using TorchSharp;

namespace AsRnnGrid.Training.Configuration;

/// <summary>
/// Turns a run's options into the model's spec: the model's nonlinearity and orthogonal mode, with the
/// combinations the reference cannot run refused in one line (spec §2.2, §2.6, §9).
/// </summary>
public static class ModelSpecResolver
{
    public static ModelSpec Resolve(RunConfig c, int inputSize, int outputSize, int vocabularySize, string decoderInit)
    {
        Check(c);
        string nonlinear = c.Nonlinear != "auto" ? c.Nonlinear : c.Model == "asrnn" ? "asrnn" : "modrelu";
        string mode = c.Model switch
        {
            "asrnn" => c.Mode == "auto" ? TaskDefaults.AsRnnMode(c.Task) : c.Mode,
            "exprnn" => "exprnn",
            "dtriv" => "dtriv",
            "scornn" => "cayley",
            _ => "none",
        };
        return new ModelSpec
        {
            Model = c.Model, Nonlinear = nonlinear, Mode = mode,
            InputSize = inputSize, HiddenSize = c.HiddenSize, OutputSize = outputSize, VocabularySize = vocabularySize,
            Init = c.Init, A = c.A, B = c.B, Eps = c.Eps, RhoRatDen = c.RhoRatDen, ForgetBias = c.ForgetBias,
            K = c.K == "infty" ? 0 : int.Parse(c.K, System.Globalization.CultureInfo.InvariantCulture), M = c.M,
            LstmReadout = c.LstmReadout, DecoderInit = decoderInit, Fused = c.Fused,
            DType = c.DType == "float64" ? torch.ScalarType.Float64 : torch.ScalarType.Float32,
        };
    }

    /// <summary>Refuses the combinations the specification calls invalid.</summary>
    public static void Check(RunConfig c)
    {
        if (c.Nonlinear == "asrnn" && c.Model is "rnn" or "lstm")
            throw new ConfigurationException($"nonlinear asrnn needs an orthogonal mode; model {c.Model} has none (the reference fails its assertion): use nonlinear modrelu" + (c.Model == "rnn" ? " or tanh" : ""));
        if (c.Nonlinear == "tanh" && c.Model != "rnn")
            throw new ConfigurationException($"nonlinear tanh is offered for model rnn only (a new variant); model {c.Model} takes asrnn or modrelu");
        if (c.Mode != "auto" && c.Model != "asrnn")
            throw new ConfigurationException($"mode {c.Mode} applies to model asrnn only; for model {c.Model} choose the model exprnn, dtriv or scornn instead");
        if (c.Model == "asrnn" && c.Eps == 0 && c.A <= 0 && c.B >= 0)
            throw new ConfigurationException($"asrnn with eps 0 and S ~ U({c.A}, {c.B}) can draw |S| = 0, which makes 1/d infinite: raise a above 0 or set eps > 0");
        if (c.A > c.B)
            throw new ConfigurationException($"a ({c.A}) must not exceed b ({c.B})");
        if (c.Task == "copy" && c.DelayLength < 1)
            throw new ConfigurationException("delay_length must be at least 1 on the copy task");
    }
}
