using System.Net;
using Akka.Event;
using DotNetty.Handlers.Tls;

namespace AsRnnGrid.Actors.Cluster;

/// <summary>
/// What one of Akka.Remote's log events says about a TLS handshake. Akka.NET 1.5.74 reports one refused incoming
/// connection with two to four events (an exception caught, "TLS handshake failed", "Rejected incoming connection"),
/// each an error with its stack trace; they are recognised here by their message templates, the only handle Akka
/// gives (ClusterSecurityTests hold, with real processes, that each refusal still makes exactly one line).
/// </summary>
public abstract record RemoteTlsEvent
{
    public const string NotTls = "it does not speak TLS (a node started with --insecure-plaintext, or another program)";

    RemoteTlsEvent() { }

    /// <summary>The last event of a refused incoming connection: one per refusal.</summary>
    public sealed record InboundRefused(object Peer) : RemoteTlsEvent;

    /// <summary>Why an incoming connection is about to be refused (before its <see cref="InboundRefused"/>).</summary>
    public sealed record InboundReason(object Peer, string Reason) : RemoteTlsEvent;

    /// <summary>This node's own handshake with another failed (Akka.Remote then shuts this node down).</summary>
    public sealed record OutboundFailed(object Peer) : RemoteTlsEvent;

    /// <summary>A repetition of a failure already reported by one of the others.</summary>
    public sealed record Detail : RemoteTlsEvent;

    /// <summary>The event's meaning for TLS, or null when it is about something else.</summary>
    public static RemoteTlsEvent? Read(LogEvent e)
    {
        if (e.Message is not LogMessage message) return null;
        var format = message.Format;
        var args = message.Parameters().ToArray();
        object Arg(int i) => i < args.Length ? args[i] ?? "unknown" : "unknown";
        if (format.StartsWith("Rejected incoming connection from [{0}]", StringComparison.Ordinal)) return new InboundRefused(Arg(0));
        if (format.StartsWith("Mutual TLS required but client did not provide a certificate", StringComparison.Ordinal))
            return new InboundReason(Arg(0), TlsPeerCheck.NoCertificate);
        if (format.StartsWith("Error caught channel [{0}->{1}]", StringComparison.Ordinal) && e.Cause is NotSslRecordException)
            return new InboundReason(Arg(1), NotTls);
        if (format.StartsWith("TLS handshake failed on channel [{0}->{1}]", StringComparison.Ordinal))
            return e.LogClass?.Name == "TcpClientHandler" ? new OutboundFailed(Arg(1)) : new Detail();
        // The endpoint writer's and the remoting's own account of a failed outbound handshake.
        return message.ToString()?.Contains("TLS handshake failed", StringComparison.Ordinal) == true ? new Detail() : null;
    }

    /// <summary>A peer as a person reads it: 127.0.0.1:40312 rather than [::ffff:127.0.0.1]:40312.</summary>
    public static string Display(object peer)
    {
        var endpoint = peer as IPEndPoint ?? (IPEndPoint.TryParse(peer.ToString() ?? "", out var parsed) ? parsed : null);
        if (endpoint is null) return peer.ToString() ?? "unknown";
        var address = endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address;
        return new IPEndPoint(address, endpoint.Port).ToString();
    }
}
