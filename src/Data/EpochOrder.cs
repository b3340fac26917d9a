namespace AsRnnGrid.Data;

/// <summary>
/// The sample order of one training epoch, cut into batches: a permutation of [0, count) drawn from
/// a generator the caller owns (so checkpointing that generator fixes the next epoch's order), in
/// batches of <see cref="BatchSize"/> with a smaller last batch.
/// </summary>
public sealed class EpochOrder
{
    public const int DefaultBatchSize = 128;

    private readonly int[] _order;

    /// <summary>Wraps <paramref name="order"/> without copying: the caller hands it over.</summary>
    public EpochOrder(int[] order, int batchSize = DefaultBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _order = order;
        BatchSize = batchSize;
    }

    /// <summary>Shuffled order: one <see cref="Mt19937.Permutation"/> of the sample count.</summary>
    public static EpochOrder Shuffled(Mt19937 rng, int count, int batchSize = DefaultBatchSize) =>
        new(rng.Permutation(count), batchSize);

    /// <summary>Unshuffled order, as for evaluation.</summary>
    public static EpochOrder Sequential(int count, int batchSize) =>
        new(Enumerable.Range(0, count).ToArray(), batchSize);

    public int Count => _order.Length;

    public int BatchSize { get; }

    public int BatchCount => (Count + BatchSize - 1) / BatchSize;

    public ReadOnlySpan<int> Order => _order;

    /// <summary>Sample indices of batch <paramref name="batch"/>; the last may be shorter.</summary>
    public ReadOnlySpan<int> Batch(int batch)
    {
        if ((uint)batch >= (uint)BatchCount)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"batch outside [0, {BatchCount}).");
        int start = batch * BatchSize;
        return _order.AsSpan(start, Math.Min(BatchSize, Count - start));
    }
}
