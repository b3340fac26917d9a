namespace AsRnnGrid.Actors.Report;

/// <summary>
/// One published number (or, where the source gives only a figure, its description) for one configuration of the
/// specification's §7. <see cref="DelayLength"/>/<see cref="RecallLength"/> (copy) and <see cref="Bptt"/> (PTB)
/// narrow the match where the source does.
/// </summary>
public sealed record PublishedResult
{
    /// <summary>Where it comes from: the section of docs/models.md and the source it quotes.</summary>
    public required string Section { get; init; }
    public required string Task { get; init; }
    public required string Model { get; init; }
    public required int HiddenSize { get; init; }
    /// <summary>The paper's rounded #PARAMS ("16k", "1.32M").</summary>
    public required string ParametersText { get; init; }
    /// <summary>The exact count the specification computes for this configuration, where it gives one.</summary>
    public long? Parameters { get; init; }
    public double? Value { get; init; }
    public double? Std { get; init; }
    /// <summary>The number as the source prints it, or the description read off a figure.</summary>
    public required string Text { get; init; }
    public int? DelayLength { get; init; }
    public int? RecallLength { get; init; }
    public int? Bptt { get; init; }
}
