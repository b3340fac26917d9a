using TorchSharp;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// Everything a model needs to be built, already resolved from the run's configuration (task defaults applied).
/// Names follow the reference scripts (spec §6.2).
/// </summary>
public sealed record ModelSpec
{
    /// <summary>asrnn | exprnn | dtriv | scornn | rnn | lstm.</summary>
    public required string Model { get; init; }
    /// <summary>Resolved nonlinearity: asrnn | modrelu | tanh (tanh only for rnn; ignored by lstm).</summary>
    public required string Nonlinear { get; init; }
    /// <summary>Orthogonal parametrisation of the recurrent kernel (and of asRNN's U_f): exprnn | dtriv | cayley; "none" for rnn and lstm.</summary>
    public required string Mode { get; init; }
    /// <summary>Features per step fed to the recurrence: 10 (copy one-hot), 2 (adding), 1 (MNIST), emsize (PTB).</summary>
    public required int InputSize { get; init; }
    public required int HiddenSize { get; init; }
    /// <summary>Decoder outputs: 9 (copy), 1 (adding), 10 (MNIST), V (PTB).</summary>
    public required int OutputSize { get; init; }
    /// <summary>When above 0 the inputs are token ids and an embedding of VocabularySize x InputSize comes first (PTB).</summary>
    public int VocabularySize { get; init; }
    /// <summary>Skew initialiser of the recurrent kernel: henaff | cayley.</summary>
    public string Init { get; init; } = "henaff";
    /// <summary>asRNN: S ~ U(a, b), d = |S| + eps.</summary>
    public double A { get; init; }
    public double B { get; init; }
    public double Eps { get; init; } = 1e-5;
    /// <summary>scoRNN: rho = floor(H / rho_rat_den) entries -1 at the end of D_rho.</summary>
    public int RhoRatDen { get; init; } = 2;
    /// <summary>LSTM: effective forget-gate bias (half in each of PyTorch's two bias vectors).</summary>
    public double ForgetBias { get; init; } = 1.0;
    /// <summary>dtriv: steps per chart; 0 means "infty".</summary>
    public int K { get; init; } = 100;
    /// <summary>dtriv: project onto the orthogonal group every M rebases.</summary>
    public int M { get; init; } = 100;
    /// <summary>LSTM: decode hidden (standard) or cell (the reference's quirk).</summary>
    public string LstmReadout { get; init; } = "hidden";
    /// <summary>Decoder initialisation: kaiming (copy), default (MNIST, adding), uniform (PTB: U(-0.1,0.1), bias 0).</summary>
    public string DecoderInit { get; init; } = "default";
    public torch.ScalarType DType { get; init; } = torch.ScalarType.Float32;
    /// <summary>
    /// Fused recurrences (spec §8.4, §8.6): tanh rnn and asRNN through nn.RNN, lstm through nn.LSTM (where only h, or
    /// only the last c, is decoded), modReLU models with a leaner loop. False (the default here): the per-step cells, the reference.
    /// </summary>
    public bool Fused { get; init; }
}
