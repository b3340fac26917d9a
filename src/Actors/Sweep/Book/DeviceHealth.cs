using static AsRnnGrid.Actors.Sweep.LedgerEvents;

namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>
/// A physical device: a device name of a machine. The machine is the node's host name without its port, because a
/// node's port changes from one start to the next (port 0) while its GPUs stay: a quarantine outlives the node that
/// saw it, and two worker processes on one machine share their GPUs' health.
/// </summary>
public readonly record struct DeviceId(string Machine, string Device)
{
    public static DeviceId Of(string node, string device)
    {
        int colon = node.LastIndexOf(':');
        return new DeviceId(colon > 0 ? node[..colon] : node, device);
    }

    public override string ToString() => $"{Device} of {Machine}";
}

/// <summary>Whether a device is in service, and which different runs failed on it since the last run completed there.</summary>
public sealed class DeviceHealth
{
    /// <summary>Live: a restarted supervisor counts afresh (only the quarantine itself is journalled).</summary>
    public HashSet<string> FailedRunsInARow { get; } = new(StringComparer.Ordinal);
    /// <summary>Journalled: the event that took the device out of service, until one puts it back.</summary>
    public DeviceQuarantined? Quarantine { get; internal set; }
    /// <summary>Live: attempts that ran out of memory on it in a row (a completion or a failure of a run ends the row, a slot's pause starts a new one).</summary>
    public int OutOfMemoryInARow { get; internal set; }
    public bool Quarantined => Quarantine is not null;
}
