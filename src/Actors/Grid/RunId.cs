using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// A run's id: `experiment-hash8`, the hash being the config hash (trajectory options only), so the id survives
/// re-reading the file, reordering it and adding runs, and does not change with the device or data folder.
/// </summary>
public static class RunId
{
    public const int HashLength = 8;

    public static string For(string experiment, RunConfig config) => $"{experiment}-{ConfigHash.Compute(config)[..HashLength]}";
}
