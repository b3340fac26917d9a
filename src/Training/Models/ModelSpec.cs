using TorchSharp;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// Everything a model needs to be built, already resolved from the run's configuration (task defaults applied).
/// Names follow the reference scripts (docs/models.md §6.2).
/// </summary>
public sealed record ModelSpec
{
    /// <summary>asrnn | exprnn | dtriv | scornn | rnn | lstm | gru | glstm | nnrnn | enrnn | nru.</summary>
    public required ModelKind Model { get; init; }
    /// <summary>Resolved nonlinearity: asrnn | modrelu | tanh (tanh only for rnn); the gated models and nru ignore it.</summary>
    public required string Nonlinear { get; init; }
    /// <summary>Orthogonal parametrisation of the recurrent kernel (and of asRNN's U_f): exprnn | dtriv | cayley; "none" for the
    /// models without one or with a fixed one of their own (nnrnn: static exp, enrnn: static Cayley).</summary>
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
    /// <summary>one_hot | real | tokens: what the inputs are (an auxiliary loss reconstructs them accordingly).</summary>
    public string InputKind { get; init; } = "real";
    /// <summary>Steps per training sequence (g-LSTM spreads its time gates over it).</summary>
    public int SequenceLength { get; init; } = 100;
    /// <summary>nnRNN: weight delta of the penalty delta * sum (gamma - 1)^2.</summary>
    public double Delta { get; init; } = 1e-4;
    /// <summary>nnRNN: weight decay on T (its own parameter group).</summary>
    public double TDecay { get; init; } = 1e-6;
    /// <summary>ENRNN: size of the eigenvalue-normalised block; n1 = HiddenSize - EnrnnN2.</summary>
    public int EnrnnN2 { get; init; } = 20;
    /// <summary>ENRNN: entries -1 at the end of D1 (resolved; never -1 here).</summary>
    public int EnrnnNegOnes { get; init; }
    /// <summary>NRU: memory size m_s and heads k (sqrt(m_s k) an integer).</summary>
    public int NruMemory { get; init; } = 256;
    public int NruHeads { get; init; } = 4;
    /// <summary>lstm, gru, glstm: chrono initialisation of the gate biases with T_max (resolved, above 1).</summary>
    public bool Chrono { get; init; }
    public double TMax { get; init; } = 100;
    /// <summary>lstm, gru: sigmoid | kaf gates, the KAF dictionary size, range and initialisation (identity | normal).</summary>
    public string Gate { get; init; } = "sigmoid";
    public int KafSize { get; init; } = 20;
    public double KafBoundary { get; init; } = 3;
    public string KafInit { get; init; } = "identity";
    /// <summary>g-LSTM: weight of the compute-budget loss; initial gate width as a fraction of <see cref="SequenceLength"/>.</summary>
    public double GlstmBudget { get; init; }
    public double GlstmSigma { get; init; } = 0.1;
    /// <summary>lstm: auxiliary loss none | reconstruct | predict, its weight, segment length, anchors per sequence, gradient truncation.</summary>
    public string Aux { get; init; } = "none";
    public double AuxWeight { get; init; } = 1;
    public int AuxLength { get; init; } = 50;
    public int AuxAnchors { get; init; } = 1;
    public int AuxTruncate { get; init; } = 300;
    public torch.ScalarType DType { get; init; } = torch.ScalarType.Float32;
    /// <summary>
    /// Fused recurrences (docs/models.md §8.4, §8.6): tanh rnn and asRNN through nn.RNN, lstm through nn.LSTM (where only h, or
    /// only the last c, is decoded), modReLU models with a leaner loop. False (the default here): the per-step cells, the reference.
    /// </summary>
    public bool Fused { get; init; }
}
