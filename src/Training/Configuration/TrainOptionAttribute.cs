namespace AsRnnGrid.Training.Configuration;

/// <summary>Marks a <see cref="RunConfig"/> property as a train option, spelled as in the reference scripts.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TrainOptionAttribute(string name, string help) : Attribute
{
    public string Name { get; } = name;
    public string Help { get; } = help;
    /// <summary>Allowed values of a string option; empty means any.</summary>
    public string[] Choices { get; init; } = [];
    public double Min { get; init; } = double.NegativeInfinity;
    public double Max { get; init; } = double.PositiveInfinity;
    /// <summary>Operational options (device, folders, checkpoint cadence) may change between a run and its resume.</summary>
    public bool Operational { get; init; }
    /// <summary>Left out of the configuration hash while at its default: options added after the first release, so old run ids hold.</summary>
    public bool OmittedAtDefault { get; init; }
}
