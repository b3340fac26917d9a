using System.Security.Cryptography;
using System.Text;

namespace AsRnnGrid.Training.Configuration;

/// <summary>
/// A hash of everything that decides a run's trajectory (the operational options, such as the device or the
/// checkpoint cadence, are left out so that a run may resume elsewhere; options added after the first release are left
/// out while at their defaults, so that a sweep planned before them keeps its run ids).
/// </summary>
public static class ConfigHash
{
    static readonly RunConfig Defaults = new();

    public static IReadOnlyDictionary<string, string> TrajectoryKeys(RunConfig config) => TrainOption.All
        .Where(o => !o.Attribute.Operational)
        .Where(o => !(o.Attribute.OmittedAtDefault && o.Format(config) == o.Format(Defaults)))
        .ToDictionary(o => o.Name, o => o.Format(config), StringComparer.Ordinal);

    public static string Compute(RunConfig config)
    {
        var text = string.Concat(TrajectoryKeys(config).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}\n"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
