using System.Text.RegularExpressions;
using Akka.Event;

namespace AsRnnGrid.Actors.Cluster;

/// <summary>
/// One of Akka.Remote's log events that say a node cannot be reached (a connection refused, a host unknown, an
/// association lost): Akka.NET 1.5.74 writes two or three warnings for every failed attempt, one every five seconds,
/// read here from their text (the only handle Akka gives) to the node's address and the reason, so that the node can
/// say it once in a while in its own words (<see cref="NodeLogger"/>).
/// </summary>
public sealed partial record UnreachableEvent(string Address, string? Reason)
{
    /// <summary>The address (host:port) and reason of the event, or null when it is about something else.</summary>
    public static UnreachableEvent? Read(LogEvent e)
    {
        if (e.Message?.ToString() is not { } text || !Kind().IsMatch(text)) return null;
        if (AddressPattern().Match(text) is not { Success: true } address) return null;
        var reason = ReasonPattern().Match(text) is { Success: true } r ? DotNetName().Replace(r.Groups["r"].Value, "").Trim() : null;
        return new UnreachableEvent(address.Groups["hp"].Value, string.IsNullOrEmpty(reason) ? null : reason);
    }

    [GeneratedRegex(@"^(AssociationError |Tried to associate with unreachable remote address|Association with remote system|Couldn't join seed nodes)")]
    private static partial Regex Kind();

    [GeneratedRegex(@"akka(?:\.ssl)?\.tcp://[\w-]+@(?<hp>\[[^\]]+\]:\d+|[^\s\[\]:/]+:\d+)")]
    private static partial Regex AddressPattern();

    /// <summary>"Error [Connection refused ssl.tcp://...]", "Reason: [...]", "Reason is: [...]": the words before the address.</summary>
    [GeneratedRegex(@"(?:Error|Reason(?: is)?:) \[(?<r>[^\]\r\n]*?)(?: (?:ssl\.)?tcp://[^\]]*)?\]")]
    private static partial Regex ReasonPattern();

    [GeneratedRegex(@"^[\w.]*Exception: ")]
    private static partial Regex DotNetName();
}
