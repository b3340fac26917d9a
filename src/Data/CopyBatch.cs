namespace AsRnnGrid.Data;

/// <summary>
/// One copy-task batch of symbol ids. <see cref="Inputs"/> and <see cref="Targets"/> are batch-major:
/// element (b, t) is at <c>b * Length + t</c>.
/// </summary>
public sealed record CopyBatch(int BatchSize, int Length, int[] Inputs, int[] Targets);
