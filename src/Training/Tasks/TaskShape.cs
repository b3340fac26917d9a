namespace AsRnnGrid.Training.Tasks;

/// <summary>What a task tells the model about its data.</summary>
/// <param name="InputSize">Features per step fed to the recurrence: 10 (copy one-hot), 2 (adding), 1 (MNIST), emsize (PTB).</param>
/// <param name="OutputSize">Decoder outputs: 9 (copy), 1 (adding), 10 (MNIST), V (PTB).</param>
/// <param name="VocabularySize">Above 0 when the inputs are token ids behind an embedding (PTB).</param>
/// <param name="DecoderInit">The reference's decoder initialisation for the task: kaiming | default | uniform.</param>
/// <param name="InputKind">one_hot (copy) | real (adding, MNIST) | tokens (PTB): what an auxiliary loss reconstructs.</param>
/// <param name="SequenceLength">Steps per training sequence (copy L + 2K, adding T, MNIST 784, PTB bptt).</param>
public sealed record TaskShape(int InputSize, int OutputSize, int VocabularySize, string DecoderInit, string InputKind, int SequenceLength)
{
    /// <summary>PTB's character vocabulary (spec §5.4: V = 50).</summary>
    public const int PtbVocabulary = 50;

    /// <summary>The shape of a task known without its data; PTB's vocabulary is taken as 50 (its session puts the corpus's in).</summary>
    public static TaskShape Nominal(Configuration.RunConfig config) => config.Task switch
    {
        "copy" => new(10, 9, 0, "kaiming", "one_hot", config.DelayLength + 2 * config.RecallLength),
        "adding" => new(2, 1, 0, "default", "real", config.SeqLength),
        "smnist" or "pmnist" => new(1, 10, 0, "default", "real", 784),
        "ptb" => new(config.Emsize, PtbVocabulary, PtbVocabulary, "uniform", "tokens", config.Bptt),
        _ => throw new Configuration.ConfigurationException($"unknown task '{config.Task}'"),
    };
}
