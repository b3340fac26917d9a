namespace AsRnnGrid.Data;

/// <summary>
/// One truncated-BPTT window over a time-major token grid: inputs are rows
/// [Start, Start + Length), targets rows [Start + 1, Start + 1 + Length).
/// </summary>
public readonly record struct BpttWindow(int Start, int Length);
