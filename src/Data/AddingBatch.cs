namespace AsRnnGrid.Data;

/// <summary>
/// One adding-task batch. <see cref="Inputs"/> is (B, T, 2) row-major with channel 0 the value and
/// channel 1 the 0/1 marker; <see cref="Targets"/> holds one sum per sample.
/// </summary>
public sealed record AddingBatch(int BatchSize, int Length, float[] Inputs, float[] Targets);
