using System.Security.Cryptography;
using System.Text;

namespace AsRnnGrid.Training.Configuration;

/// <summary>
/// A hash of everything that decides a run's trajectory (the operational options, such as the device or the
/// checkpoint cadence, are left out so that a run may resume elsewhere).
/// </summary>
public static class ConfigHash
{
    public static IReadOnlyDictionary<string, string> TrajectoryKeys(RunConfig config) => TrainOption.All
        .Where(o => !o.Attribute.Operational)
        .ToDictionary(o => o.Name, o => o.Format(config), StringComparer.Ordinal);

    public static string Compute(RunConfig config)
    {
        var text = string.Concat(TrajectoryKeys(config).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}\n"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
