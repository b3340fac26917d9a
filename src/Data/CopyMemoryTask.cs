namespace AsRnnGrid.Data;

/// <summary>
/// Copying-memory task (docs/models.md §5.1). Symbols: 0 blank, 1..8 data digits, 9 marker; sequence length
/// L + 2K. With <c>recallOffset = 0</c> this is REF/EXP's layout: marker at K+L and the first digit
/// due at the marker step itself. With <c>recallOffset = 1</c> it is the Henaff/nnRNN layout: the
/// marker one step earlier (K+L-1) and recall starting one step after it (docs/models.md §9 item 11).
/// </summary>
public sealed class CopyMemoryTask
{
    public const int Blank = 0;
    public const int Marker = 9;
    public const int DigitCount = 8;

    public CopyMemoryTask(int recallLength, int delayLength, int recallOffset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recallLength, 1);
        // The Henaff layout puts the marker at K+L-1, which must still follow the digits.
        ArgumentOutOfRangeException.ThrowIfLessThan(delayLength, recallOffset);
        if (recallOffset is not (0 or 1))
            throw new ArgumentOutOfRangeException(nameof(recallOffset), recallOffset, "recallOffset must be 0 (REF) or 1 (Henaff/nnRNN).");
        RecallLength = recallLength;
        DelayLength = delayLength;
        RecallOffset = recallOffset;
    }

    /// <summary>K: number of digits to remember.</summary>
    public int RecallLength { get; }

    /// <summary>L (T in the Henaff papers): the blank stretch between digits and recall.</summary>
    public int DelayLength { get; }

    public int RecallOffset { get; }

    public int SequenceLength => DelayLength + 2 * RecallLength;

    /// <summary>0-based step of the marker symbol.</summary>
    public int MarkerPosition => RecallLength + DelayLength - RecallOffset;

    /// <summary>0-based step at which the first digit is due; the last K steps in both layouts.</summary>
    public int RecallStart => RecallLength + DelayLength;

    public int InputClasses => 10;

    public int OutputClasses => 9;

    /// <summary>Cross-entropy of the memoryless model: blanks exactly, then uniform over 8 digits.</summary>
    public double BaselineLoss => RecallLength * Math.Log(DigitCount) / SequenceLength;

    /// <summary>
    /// A fresh batch. Digits are drawn as numpy <c>randint(1, 9, size=(B, K))</c>, row-major, from
    /// <paramref name="rng"/>, so a generator seeded 5544 replays REF's stream.
    /// </summary>
    public CopyBatch NextBatch(Mt19937 rng, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int k = RecallLength, n = SequenceLength;
        var digits = new int[batchSize * k];
        rng.RandInt(1, DigitCount + 1, digits);

        var inputs = new int[batchSize * n];
        var targets = new int[batchSize * n];
        for (int b = 0; b < batchSize; b++)
        {
            int row = b * n;
            for (int i = 0; i < k; i++)
            {
                int digit = digits[b * k + i];
                inputs[row + i] = digit;
                targets[row + RecallStart + i] = digit;
            }
            inputs[row + MarkerPosition] = Marker;
        }
        return new CopyBatch(batchSize, n, inputs, targets);
    }
}
