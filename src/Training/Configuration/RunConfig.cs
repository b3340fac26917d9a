using System.Text.Json.Serialization;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;

namespace AsRnnGrid.Training.Configuration;

/// <summary>
/// The resolved configuration of one training run: every option of `asrnn-grid train` with the task's
/// reference defaults filled in (see <see cref="TaskKind.Defaults"/>). Written out as run.yaml (<see cref="RunYaml"/>).
/// </summary>
public sealed record RunConfig
{
    // The choices of task and model are the registries' (TaskRegistry, ModelRegistry); the help lists them.
    [TrainOption("task", "")]
    public TaskKind Task { get; init; } = TaskRegistry.Tasks.All[0];

    [TrainOption("model", "")]
    public ModelKind Model { get; init; } = ModelRegistry.Models.All[0];

    [TrainOption("nonlinear", "auto (the model's own) | asrnn | modrelu | tanh (rnn only, a new variant)", Choices = ["auto", "asrnn", "modrelu", "tanh"])]
    public string Nonlinear { get; init; } = "auto";

    [TrainOption("mode", "orthogonal parametrisation of asrnn: auto (the task's reference mode) | exprnn | dtriv | cayley", Choices = ["auto", "exprnn", "dtriv", "cayley"])]
    public string Mode { get; init; } = "auto";

    [TrainOption("hidden_size", "hidden units", Min = 2, Max = 100_000)]
    public int HiddenSize { get; init; }

    [TrainOption("batch_size", "training batch size", Min = 1, Max = 1_000_000)]
    public int BatchSize { get; init; } = 128;

    [TrainOption("eval_batch_size", "evaluation batch size (MNIST 1000, PTB 10)", Min = 1, Max = 1_000_000)]
    public int EvalBatchSize { get; init; } = 1000;

    [TrainOption("iterations", "training iterations (copy, adding)", Min = 1, Max = 1e9)]
    public int Iterations { get; init; }

    [TrainOption("epochs", "training epochs (MNIST, PTB)", Min = 1, Max = 1e6)]
    public int Epochs { get; init; }

    [TrainOption("rmsprop_lr", "RMSprop learning rate of the main group", Min = 0, Max = 10)]
    public double RmspropLr { get; init; }

    [TrainOption("rmsprop_constr_lr", "RMSprop learning rate of the recurrent (orthogonal) group", Min = 0, Max = 10)]
    public double RmspropConstrLr { get; init; }

    [TrainOption("alpha", "RMSprop smoothing constant", Min = 0, Max = 1)]
    public double Alpha { get; init; }

    [TrainOption("clip_norm", "global gradient-norm clipping; negative disables", Min = -1e9, Max = 1e9)]
    public double ClipNorm { get; init; }

    [TrainOption("init", "skew initialiser of the recurrent kernel: henaff | cayley", Choices = ["henaff", "cayley"])]
    public string Init { get; init; } = "henaff";

    [TrainOption("a", "asRNN: lower end of the uniform initialisation of S", Min = -1e6, Max = 1e6)]
    public double A { get; init; }

    [TrainOption("b", "asRNN: upper end of the uniform initialisation of S", Min = -1e6, Max = 1e6)]
    public double B { get; init; }

    [TrainOption("eps", "asRNN: epsilon in d = |S| + eps", Min = 0, Max = 1e6)]
    public double Eps { get; init; }

    [TrainOption("rho_rat_den", "scoRNN: floor(hidden/rho_rat_den) entries -1 in D_rho", Min = 1, Max = 1e6)]
    public int RhoRatDen { get; init; }

    [TrainOption("forget_bias", "LSTM: forget-gate bias", Min = -1e3, Max = 1e3)]
    public double ForgetBias { get; init; } = 1.0;

    [TrainOption("lstm_readout", "LSTM: decode hidden (standard) or cell (the reference's quirk)", Choices = ["hidden", "cell"])]
    public string LstmReadout { get; init; } = "hidden";

    [TrainOption("K", "dtriv: steps per chart, or infty", Choices = [])]
    public string K { get; init; } = "100";

    [TrainOption("M", "dtriv: project onto the orthogonal group every M rebases", Min = 1, Max = 1e9)]
    public int M { get; init; } = 100;

    // The options below came after the first release. Each is left out of the configuration hash while it holds its
    // default (OmittedAtDefault), so the run ids and checkpoints of sweeps written before them stay valid.
    // Never change one of these defaults: a run at the old default would silently take the new one under the same id.

    [TrainOption("optimizer", "rmsprop (the reference's) | adam (NRU; nnRNN's README); with adam, rmsprop_lr and rmsprop_constr_lr are the two groups' rates",
        Choices = ["rmsprop", "adam"], OmittedAtDefault = true)]
    public string Optimizer { get; init; } = "rmsprop";

    [TrainOption("adam_beta1", "Adam: beta1 (nnRNN's PTB README uses 0)", Min = 0, Max = 0.999999, OmittedAtDefault = true)]
    public double AdamBeta1 { get; init; } = 0.9;

    [TrainOption("adam_beta2", "Adam: beta2", Min = 0, Max = 0.999999999, OmittedAtDefault = true)]
    public double AdamBeta2 { get; init; } = 0.999;

    [TrainOption("delta", "nnRNN: weight of the penalty delta * sum (gamma - 1)^2 (the script's alam)", Min = 0, Max = 1e6, OmittedAtDefault = true)]
    public double Delta { get; init; } = 1e-4;

    [TrainOption("t_decay", "nnRNN: L2 weight decay on the strictly upper triangular T (the script's Tdecay)", Min = 0, Max = 1e3, OmittedAtDefault = true)]
    public double TDecay { get; init; } = 1e-6;

    [TrainOption("enrnn_n2", "ENRNN: size of the eigenvalue-normalised block (hidden_size = n1 + n2)", Min = 1, Max = 100_000, OmittedAtDefault = true)]
    public int EnrnnN2 { get; init; } = 20;

    [TrainOption("enrnn_neg_ones", "ENRNN: entries -1 in D1 of the scoRNN block; -1: round(0.3 n1), the ratio of the code's defaults (52 of 172, 29 of 96)",
        Min = -1, Max = 100_000, OmittedAtDefault = true)]
    public int EnrnnNegOnes { get; init; } = -1;

    [TrainOption("nru_memory", "NRU: size m_s of the flat memory", Min = 1, Max = 1_000_000, OmittedAtDefault = true)]
    public int NruMemory { get; init; } = 256;

    [TrainOption("nru_heads", "NRU: write and erase heads k (sqrt(nru_memory * k) must be an integer)", Min = 1, Max = 1000, OmittedAtDefault = true)]
    public int NruHeads { get; init; } = 4;

    [TrainOption("chrono", "lstm, gru, glstm: chrono initialisation of the gate biases (Tallec & Ollivier 2018)", OmittedAtDefault = true)]
    public bool Chrono { get; init; }

    [TrainOption("t_max", "chrono: the longest expected dependency T_max; 0: the task's sequence length (copy L + 2K, adding T, MNIST 784, PTB bptt)",
        Min = 0, Max = 1e9, OmittedAtDefault = true)]
    public double TMax { get; init; }

    [TrainOption("gate", "lstm, gru: sigmoid | kaf (kernel activation function gates, Scardapane et al. 2018)", Choices = ["sigmoid", "kaf"], OmittedAtDefault = true)]
    public string Gate { get; init; } = "sigmoid";

    [TrainOption("kaf_size", "KAF gates: dictionary size D", Min = 2, Max = 1000, OmittedAtDefault = true)]
    public int KafSize { get; init; } = 20;

    [TrainOption("kaf_boundary", "KAF gates: the dictionary spans [-boundary, boundary]", Min = 1e-6, Max = 1e6, OmittedAtDefault = true)]
    public double KafBoundary { get; init; } = 3;

    [TrainOption("kaf_init", "KAF gates: identity (ridge regression to f(s) = s, so each gate starts as the plain sigmoid) | normal (N(0, 0.3^2))",
        Choices = ["identity", "normal"], OmittedAtDefault = true)]
    public string KafInit { get; init; } = "identity";

    [TrainOption("glstm_budget", "g-LSTM: weight lambda of the compute-budget loss lambda * sum_t sum_j k_t^j (0: off)", Min = 0, Max = 1e6, OmittedAtDefault = true)]
    public double GlstmBudget { get; init; }

    [TrainOption("glstm_sigma", "g-LSTM: initial width sigma of every time gate as a fraction of the sequence length (centres mu spread evenly over it)", Min = 1e-6, Max = 1e6, OmittedAtDefault = true)]
    public double GlstmSigma { get; init; } = 0.1;

    [TrainOption("aux", "lstm: auxiliary loss none | reconstruct (r-LSTM) | predict (p-LSTM) (Trinh et al. 2018)", Choices = ["none", "reconstruct", "predict"], OmittedAtDefault = true)]
    public string Aux { get; init; } = "none";

    [TrainOption("aux_weight", "auxiliary loss: its weight in the total loss", Min = 0, Max = 1e6, OmittedAtDefault = true)]
    public double AuxWeight { get; init; } = 1;

    [TrainOption("aux_length", "auxiliary loss: length of the reconstructed or predicted segment", Min = 1, Max = 1e7, OmittedAtDefault = true)]
    public int AuxLength { get; init; } = 50;

    [TrainOption("aux_anchors", "auxiliary loss: anchors drawn per sequence", Min = 1, Max = 1e4, OmittedAtDefault = true)]
    public int AuxAnchors { get; init; } = 1;

    [TrainOption("aux_truncate", "auxiliary loss: steps of the main LSTM its gradient reaches back from an anchor", Min = 1, Max = 1e7, OmittedAtDefault = true)]
    public int AuxTruncate { get; init; } = 300;

    [TrainOption("copy_recall_offset", "copy: 0, recall starts at the marker (REF, EXP); 1, one step after it (nnRNN, scoRNN, ENRNN)", Min = 0, Max = 1, OmittedAtDefault = true)]
    public int CopyRecallOffset { get; init; }

    [TrainOption("recall_length", "copy: number of digits to remember", Min = 1, Max = 1e6)]
    public int RecallLength { get; init; } = 10;

    [TrainOption("delay_length", "copy: blank steps between the digits and the marker", Min = 0, Max = 1e7)]
    public int DelayLength { get; init; } = 1000;

    [TrainOption("seq_length", "adding: sequence length", Min = 2, Max = 1e7)]
    public int SeqLength { get; init; } = 200;

    [TrainOption("permute_seed", "pMNIST: seed of numpy's RandomState(seed).permutation(784)", Min = 0, Max = uint.MaxValue)]
    public long PermuteSeed { get; init; } = 92916;

    [TrainOption("train_samples", "MNIST: use only the first N training images (0: all); for smoke tests and demos", Min = 0, Max = 1e9)]
    public int TrainSamples { get; init; }

    [TrainOption("test_samples", "MNIST: evaluate on the first N test images (0: all)", Min = 0, Max = 1e9)]
    public int TestSamples { get; init; }

    [TrainOption("bptt", "PTB: truncated back-propagation window", Min = 1, Max = 1e7)]
    public int Bptt { get; init; } = 150;

    [TrainOption("emsize", "PTB: embedding size", Min = 1, Max = 1e6)]
    public int Emsize { get; init; } = 200;

    [TrainOption("random_seed", "seed of initialisation, data order and generated batches", Min = 0, Max = uint.MaxValue)]
    public long RandomSeed { get; init; } = 5544;

    [TrainOption("dtype", "float32 | float64", Choices = ["float32", "float64"])]
    public string DType { get; init; } = "float32";

    // Rounding differs between the fused kernels and the per-step cells, so this is part of the trajectory (not operational).
    [TrainOption("fused", "true: fused recurrences (nn.RNN / nn.LSTM, cuDNN on CUDA; asRNN in encoded coordinates; modReLU with a lean loop); false: the per-step cells of the reference")]
    public bool Fused { get; init; } = true;

    [TrainOption("data_dir", "folder of the MNIST IDX files or the PTB character files", Operational = true)]
    public string DataDir { get; init; } = "data";

    [TrainOption("log_every", "iterations per log point (copy, adding; PTB: windows per logged training bpc)", Min = 1, Max = 1e9)]
    public int LogEvery { get; init; } = 10;

    [TrainOption("device", "auto | cpu | cuda | cuda:N", Operational = true)]
    public string Device { get; init; } = "auto";

    [TrainOption("checkpoint_every", "iterations between checkpoints", Min = 1, Max = 1e9, Operational = true)]
    public int CheckpointEvery { get; init; } = 1000;

    [TrainOption("checkpoint_minutes", "minutes between checkpoints", Min = 0.01, Max = 1e6, Operational = true)]
    public double CheckpointMinutes { get; init; } = 5;

    [TrainOption("keep_checkpoints", "checkpoints kept in the run folder", Min = 1, Max = 1000, Operational = true)]
    public int KeepCheckpoints { get; init; } = 2;

    /// <summary>False for the models with one learning rate (rmsprop_constr_lr unused): the gated models and NRU.</summary>
    [JsonIgnore] public bool UsesRecurrentRate => Model.UsesRecurrentRate;

    /// <summary>True for the tasks measured in epochs.</summary>
    [JsonIgnore] public bool IsEpochTask => Task.IsEpochTask;
}
