namespace AsRnnGrid.Data;

/// <summary>
/// One MNIST split: <see cref="Pixels"/> is Count x 784 row-major grey levels (each image itself
/// row-major, 28 x 28), <see cref="Labels"/> the digit of each image.
/// </summary>
public sealed record MnistSplit(int Count, byte[] Pixels, byte[] Labels)
{
    public const int Rows = 28;
    public const int Columns = 28;
    public const int PixelsPerImage = Rows * Columns;
    public const int Classes = 10;

    /// <summary>
    /// A batch as the model sees it: <c>inputs[b * 784 + i] = pixel perm[i] of image indices[b] / 255</c>
    /// (batch-first, one scalar per step), and the labels as ints.
    /// </summary>
    public (float[] Inputs, int[] Labels) GetBatch(ReadOnlySpan<int> indices, ReadOnlySpan<int> permutation)
    {
        var inputs = new float[indices.Length * PixelsPerImage];
        var labels = new int[indices.Length];
        FillBatch(indices, permutation, inputs, labels);
        return (inputs, labels);
    }

    /// <summary>As <see cref="GetBatch"/>, into caller-owned buffers (reused across batches).</summary>
    public void FillBatch(ReadOnlySpan<int> indices, ReadOnlySpan<int> permutation, Span<float> inputs, Span<int> labels)
    {
        if (permutation.Length != PixelsPerImage)
            throw new ArgumentException($"permutation must have {PixelsPerImage} entries, got {permutation.Length}.", nameof(permutation));
        if (inputs.Length < indices.Length * PixelsPerImage || labels.Length < indices.Length)
            throw new ArgumentException("buffers are smaller than the batch.");
        for (int b = 0; b < indices.Length; b++)
        {
            int sample = indices[b];
            if ((uint)sample >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), sample, $"sample index outside [0, {Count}).");
            ReadOnlySpan<byte> image = Pixels.AsSpan(sample * PixelsPerImage, PixelsPerImage);
            Span<float> row = inputs.Slice(b * PixelsPerImage, PixelsPerImage);
            for (int i = 0; i < PixelsPerImage; i++)
                row[i] = image[permutation[i]] / 255f;
            labels[b] = Labels[sample];
        }
    }

    /// <summary>Images per label 0..9.</summary>
    public int[] LabelHistogram()
    {
        var histogram = new int[Classes];
        foreach (byte label in Labels) histogram[label]++;
        return histogram;
    }
}
