using System.Globalization;

namespace AsRnnGrid.Actors.Sweep.Gpu;

/// <summary>
/// Who owns a process, from /proc (its real uid) and /etc/passwd (the name). A pid this machine does not show (a
/// process of another container, whose host pid nvidia-smi reports) has no owner here: <see cref="Of"/> returns null.
/// </summary>
public sealed class ProcessOwners
{
    readonly Dictionary<int, string> _names;

    ProcessOwners(int? self, Dictionary<int, string> names)
    {
        Self = self;
        _names = names;
    }

    /// <summary>This process's uid; null off Linux.</summary>
    public int? Self { get; }

    public static ProcessOwners OfThisMachine() => new(UidOf("self"), ReadPasswd());

    /// <summary>The owner's uid and name ("alice", or "uid 1002" for one /etc/passwd does not name); null where the pid is not visible here.</summary>
    public (int Uid, string Name)? Of(int pid) =>
        UidOf(pid.ToString(CultureInfo.InvariantCulture)) is { } uid ? (uid, _names.TryGetValue(uid, out var name) ? name : $"uid {uid}") : null;

    static int? UidOf(string pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                    return int.TryParse(line[4..].Trim().Split('\t', ' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    static Dictionary<int, string> ReadPasswd()
    {
        var names = new Dictionary<int, string>();
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var f = line.Split(':');
                if (f.Length > 2 && int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)) names.TryAdd(uid, f[0]);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return names;
    }
}
