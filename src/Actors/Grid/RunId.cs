using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// A run's id: `experiment-hash8`, the hash being the config hash (trajectory options only), so the id survives
/// re-reading the file, reordering it and adding runs, and does not change with the device or data folder.
/// Eight hex digits are 32 bits: in a sweep of 10^5 runs two different configurations share them about as often as
/// not. Only such runs get more of their hash (<see cref="LengthApart"/>), so every other id stays what it always was.
/// </summary>
public static class RunId
{
    public const int HashLength = 8;

    /// <summary>The lengths a longer id takes, shortest first: 64 bits and more, up to the whole hash.</summary>
    static readonly int[] LongerLengths = [16, 24, 32, 64];

    public static string For(string experiment, RunConfig config) => For(experiment, ConfigHash.Compute(config));

    public static string For(string experiment, string configHash, int length = HashLength) => $"{experiment}-{configHash[..length]}";

    /// <summary>The shortest longer length at which these different hashes (whose first <see cref="HashLength"/> digits agree) differ.</summary>
    public static int LengthApart(IReadOnlyCollection<string> hashes) =>
        LongerLengths.First(n => hashes.Select(h => h[..n]).Distinct(StringComparer.Ordinal).Count() == hashes.Count);
}
