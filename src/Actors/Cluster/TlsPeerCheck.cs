using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace AsRnnGrid.Actors.Cluster;

/// <summary>
/// The check both ends of every TLS connection run on the other's certificate: it must be the sweep's own (pinned).
/// The chain and the host name are not consulted: the certificate is self-signed, so it is its own and only authority,
/// and nodes reach each other by addresses it does not name. Remembers why it refused an incoming peer, so that
/// <see cref="NodeLogger"/> can say it in the one line it writes per refused connection.
/// </summary>
public sealed class TlsPeerCheck(SweepCertificate sweep)
{
    public const string NoCertificate = "it presented no certificate";
    public const string OtherCertificate = "its certificate is not this sweep's (another sweep's, or a key replaced by `run --rotate-key`)";

    readonly ConcurrentDictionary<string, string> _refused = new(StringComparer.Ordinal);

    public SweepCertificate Sweep => sweep;

    /// <summary>For Akka.Remote: called during each handshake, on the accepting and on the connecting side.</summary>
    public CertificateValidationCallback Validator => Validate;

    bool Validate(X509Certificate2? peer, X509Chain? chain, string remote, SslPolicyErrors errors, ILoggingAdapter log)
    {
        if (sweep.IsThisSweeps(peer)) return true;
        _refused[remote] = peer is null ? NoCertificate : OtherCertificate;
        return false;
    }

    /// <summary>Why the peer at <paramref name="remote"/> (as Akka.Remote names the channel's end) was refused, once.</summary>
    public string? TakeReason(string remote) => _refused.TryRemove(remote, out var reason) ? reason : null;
}
