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
    /// <summary>PTB's character vocabulary (docs/models.md §5.4: V = 50).</summary>
    public const int PtbVocabulary = 50;

    /// <summary>The shape of the run's task known without its data (<see cref="TaskKind.Shape"/>).</summary>
    public static TaskShape Nominal(Configuration.RunConfig config) => config.Task.Shape(config);
}
