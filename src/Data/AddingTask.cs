namespace AsRnnGrid.Data;

/// <summary>
/// Adding problem (docs/models.md §5.2), NN's convention (<c>adding_problem.py</c>): one marker uniform in
/// [0, floor(T/2)) and one in [ceil(T/2), T). Chosen over the SCO/EN split at floor((T-1)/2) because
/// NN is the only source with a fresh-batch stream like the copy task's, and its halves are
/// symmetric. Values are U(0,1) from <see cref="Mt19937.NextDouble"/>; target = sum of the marked two.
/// </summary>
public sealed class AddingTask
{
    public AddingTask(int length)
    {
        // Both halves must be non-empty: floor(T/2) >= 1.
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        Length = length;
    }

    public int Length { get; }

    public int InputChannels => 2;

    /// <summary>MSE of always predicting 1: Var(u1 + u2) = 2/12.</summary>
    public double BaselineMse => 1.0 / 6.0;

    /// <summary>
    /// Per sample, in this order: T values, then the first-half marker, then the second-half marker.
    /// </summary>
    public AddingBatch NextBatch(Mt19937 rng, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int t = Length, firstHalf = t / 2, secondStart = (t + 1) / 2;
        var inputs = new float[batchSize * t * 2];
        var targets = new float[batchSize];
        for (int b = 0; b < batchSize; b++)
        {
            int row = b * t * 2;
            for (int s = 0; s < t; s++)
                inputs[row + 2 * s] = (float)rng.NextDouble();
            int first = (int)rng.RandInt(0, firstHalf);
            int second = (int)rng.RandInt(secondStart, t);
            inputs[row + 2 * first + 1] = 1f;
            inputs[row + 2 * second + 1] = 1f;
            // Sum the float32 values the model sees, so the target is exact for them.
            targets[b] = inputs[row + 2 * first] + inputs[row + 2 * second];
        }
        return new AddingBatch(batchSize, t, inputs, targets);
    }
}
