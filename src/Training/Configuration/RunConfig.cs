namespace AsRnnGrid.Training.Configuration;

/// <summary>
/// The resolved configuration of one training run: every option of `asrnn-grid train` with the task's
/// reference defaults filled in (see <see cref="TaskDefaults"/>). Written out as run.yaml.
/// </summary>
public sealed record RunConfig
{
    [TrainOption("task", "copy | adding | smnist | pmnist | ptb", Choices = ["copy", "adding", "smnist", "pmnist", "ptb"])]
    public string Task { get; init; } = "copy";

    [TrainOption("model", "asrnn | exprnn | dtriv | scornn | rnn | lstm", Choices = ["asrnn", "exprnn", "dtriv", "scornn", "rnn", "lstm"])]
    public string Model { get; init; } = "asrnn";

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

    /// <summary>True for the tasks measured in epochs.</summary>
    public bool IsEpochTask => Task is "smnist" or "pmnist" or "ptb";
}
