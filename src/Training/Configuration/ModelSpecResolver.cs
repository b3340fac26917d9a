using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using TorchSharp;

namespace AsRnnGrid.Training.Configuration;

/// <summary>
/// Turns a run's options into the model's spec: the model's nonlinearity and orthogonal mode, with the
/// combinations the reference cannot run refused in one line (spec §2.2, §2.6, §9).
/// </summary>
public static class ModelSpecResolver
{
    public static ModelSpec Resolve(RunConfig c, TaskShape shape)
    {
        Check(c);
        int inputSize = shape.InputSize, outputSize = shape.OutputSize, vocabularySize = shape.VocabularySize;
        // NRU's output layer is Xavier-normal with a zero bias (spec §2.10) on every task.
        string decoderInit = c.Model == "nru" ? "xavier" : shape.DecoderInit;
        int n1 = c.HiddenSize - c.EnrnnN2;
        string nonlinear = c.Nonlinear != "auto" ? c.Nonlinear : c.Model switch
        {
            "asrnn" => "asrnn",
            "gru" or "glstm" or "nru" => "none",
            _ => "modrelu",
        };
        string mode = c.Model switch
        {
            "asrnn" => c.Mode == "auto" ? TaskDefaults.AsRnnMode(c.Task) : c.Mode,
            "exprnn" => "exprnn",
            "dtriv" => "dtriv",
            "scornn" => "cayley",
            _ => "none", // rnn and the gated models have none; nnrnn (static exp) and enrnn (static Cayley) fix their own
        };
        return new ModelSpec
        {
            Model = c.Model, Nonlinear = nonlinear, Mode = mode,
            InputSize = inputSize, HiddenSize = c.HiddenSize, OutputSize = outputSize, VocabularySize = vocabularySize,
            Init = c.Init, A = c.A, B = c.B, Eps = c.Eps, RhoRatDen = c.RhoRatDen, ForgetBias = c.ForgetBias,
            K = c.K == "infty" ? 0 : int.Parse(c.K, System.Globalization.CultureInfo.InvariantCulture), M = c.M,
            LstmReadout = c.LstmReadout, DecoderInit = decoderInit, Fused = c.Fused,
            InputKind = shape.InputKind, SequenceLength = shape.SequenceLength,
            Delta = c.Delta, TDecay = c.TDecay,
            EnrnnN2 = c.EnrnnN2, EnrnnNegOnes = c.EnrnnNegOnes >= 0 ? c.EnrnnNegOnes : (int)Math.Round(0.3 * n1, MidpointRounding.AwayFromZero),
            NruMemory = c.NruMemory, NruHeads = c.NruHeads,
            // Chrono's T_max (spec §2.11 leaves the per-task value open): the task's sequence length, its longest possible dependency.
            Chrono = c.Chrono, TMax = c.TMax > 0 ? c.TMax : shape.SequenceLength,
            Gate = c.Gate, KafSize = c.KafSize, KafBoundary = c.KafBoundary, KafInit = c.KafInit,
            GlstmBudget = c.GlstmBudget, GlstmSigma = c.GlstmSigma,
            Aux = c.Aux, AuxWeight = c.AuxWeight, AuxLength = c.AuxLength, AuxAnchors = c.AuxAnchors, AuxTruncate = c.AuxTruncate,
            DType = c.DType == "float64" ? torch.ScalarType.Float64 : torch.ScalarType.Float32,
        };
    }

    static bool IsSquare(long n)
    {
        long r = (long)Math.Round(Math.Sqrt(n));
        return r * r == n;
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
        if (c.Model is "gru" or "glstm" or "nru" && c.Nonlinear != "auto" || c.Model is "nnrnn" or "enrnn" && c.Nonlinear is not ("auto" or "modrelu"))
            throw new ConfigurationException($"model {c.Model} has its own nonlinearity ({(c.Model is "nnrnn" or "enrnn" ? "modrelu" : c.Model == "nru" ? "ReLU" : "its gates")}): leave nonlinear at auto");
        if (c.Chrono && c.Model is not ("lstm" or "gru" or "glstm"))
            throw new ConfigurationException($"chrono initialises the gate biases of lstm, gru and glstm; model {c.Model} has no gates");
        if (c.Chrono && c.TMax is > 0 and <= 2)
            throw new ConfigurationException($"t_max ({c.TMax}) must exceed 2: chrono draws log U(1, t_max - 1)");
        if (c.Gate == "kaf" && c.Model is not ("lstm" or "gru"))
            throw new ConfigurationException($"gate kaf replaces the sigmoid gates of lstm and gru; model {c.Model} has none");
        if (c.Aux != "none" && c.Model != "lstm")
            throw new ConfigurationException($"aux {c.Aux} trains an auxiliary LSTM beside model lstm; model {c.Model} takes aux none");
        if (c.Aux == "reconstruct" && c.AuxLength < 2)
            throw new ConfigurationException($"aux reconstruct feeds the first input of the segment and predicts the rest: aux_length must be at least 2, got {c.AuxLength}");
        if (c.Model == "glstm" && c.LstmReadout != "hidden")
            throw new ConfigurationException("model glstm decodes h: lstm_readout cell applies to model lstm only");
        if (c.GlstmBudget > 0 && c.Model != "glstm")
            throw new ConfigurationException($"glstm_budget applies to model glstm only, not {c.Model}");
        if (c.Model == "nnrnn" && c.HiddenSize % 2 != 0)
            throw new ConfigurationException($"nnrnn needs an even hidden_size (its rotations are 2 x 2 blocks), got {c.HiddenSize}");
        if (c.Model == "enrnn" && c.EnrnnN2 >= c.HiddenSize)
            throw new ConfigurationException($"enrnn_n2 ({c.EnrnnN2}) must be below hidden_size ({c.HiddenSize}): hidden_size = n1 + n2 with n1 at least 1");
        if (c.Model == "enrnn" && c.EnrnnNegOnes > c.HiddenSize - c.EnrnnN2)
            throw new ConfigurationException($"enrnn_neg_ones ({c.EnrnnNegOnes}) exceeds n1 = hidden_size - enrnn_n2 = {c.HiddenSize - c.EnrnnN2}");
        if (c.Model == "nru" && !IsSquare((long)c.NruMemory * c.NruHeads))
            throw new ConfigurationException($"NRU needs sqrt(nru_memory * nru_heads) to be an integer; {c.NruMemory} * {c.NruHeads} = {(long)c.NruMemory * c.NruHeads} is not a square");
    }
}
