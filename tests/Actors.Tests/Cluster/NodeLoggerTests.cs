using System.Collections.Concurrent;
using System.Net;
using Akka.Actor;
using Akka.Event;
using AsRnnGrid.Actors.Cluster;
using AsRnnGrid.Actors.Sweep;
using DotNetty.Handlers.Tls;

namespace AsRnnGrid.Actors.Tests.Cluster;

/// <summary>
/// Akka's log events as a node's logger writes them: one line each, no stack trace, and the three or four events of
/// one refused handshake as one line. The events are Akka.Remote 1.5.74's (templates and sources as it logs them);
/// ClusterSecurityTests hold the same with real handshakes.
/// </summary>
public sealed class NodeLoggerTests : IAsyncLifetime
{
    readonly ConcurrentQueue<string> _lines = new();
    ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = SweepNodeConfig.Start(new SweepNodeSettings
        {
            Security = new NodeSecurity.InsecurePlaintext(),
            Roles = [SweepNodeConfig.TrainerRole],
            Log = _lines.Enqueue,
        });
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate();

    // Stand-ins named as Akka.Remote's handlers: the logger tells the two sides of a handshake by the logging class.
    sealed class TcpServerHandler;
    sealed class TcpClientHandler;
    sealed class TcpTransport;

    static readonly IPEndPoint Local = IPEndPoint.Parse("[::ffff:127.0.0.1]:4053");
    static readonly IPEndPoint Peer = IPEndPoint.Parse("[::ffff:127.0.0.1]:40312");

    ILoggingAdapter Log<T>() => Logging.GetLogger(_system, typeof(T));

    async Task<string[]> LinesAfter(Action log, int expected)
    {
        log();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (_lines.Count < expected && DateTime.UtcNow < deadline) await Task.Delay(20);
        await Task.Delay(200); // nothing more may come
        return [.. _lines];
    }

    void RefusedInbound(Exception? cause)
    {
        Log<TcpServerHandler>().Error(cause, "TLS handshake failed on channel [{0}->{1}](Id={2})\n{3}", Local, Peer, "a1b2", "TLS/SSL certificate validation failed:\n  - Remote certificate not available");
        Log<TcpServerHandler>().Warning("Rejected incoming connection from [{0}] due to TLS handshake failure. This is likely invalid or malicious traffic.", Peer);
    }

    [Fact]
    public async Task A_client_without_a_certificate_makes_one_line_naming_it()
    {
        var lines = await LinesAfter(() =>
        {
            Log<TcpTransport>().Warning("Mutual TLS required but client did not provide a certificate from {0}", Peer.ToString());
            RefusedInbound(new AggregateException(new System.Security.Authentication.AuthenticationException("rejected")));
        }, 1);
        Assert.Equal(["refused a connection from 127.0.0.1:40312: it presented no certificate"], lines);
    }

    [Fact]
    public async Task A_client_that_does_not_speak_tls_makes_one_line_naming_it()
    {
        var lines = await LinesAfter(() =>
        {
            var notTls = new NotSslRecordException("not an SSL/TLS record: 474554202f");
            Log<TcpServerHandler>().Error(notTls, "Error caught channel [{0}->{1}](Id={2})", Local, Peer, "a1b2");
            RefusedInbound(notTls);
        }, 1);
        Assert.Equal([$"refused a connection from 127.0.0.1:40312: {RemoteTlsEvent.NotTls}"], lines);
    }

    [Fact]
    public async Task This_node_s_own_failed_handshake_is_left_to_its_host_and_other_warnings_are_one_line_each()
    {
        var lines = await LinesAfter(() =>
        {
            Log<TcpClientHandler>().Error(new Exception("rejected"), "TLS handshake failed on channel [{0}->{1}](Id={2})\n{3}", Peer, Local, "c3d4", "details");
            Log<TcpServerHandler>().Warning("Tried to associate with unreachable remote address [{0}]. Reason: [{1}] {2}", "akka.ssl.tcp://asrnn-grid@127.0.0.1:4053", "Association failed", "Caused by: [TLS handshake failed for ssl.tcp://...]");
            Log<TcpTransport>().Warning("Association with {0} failed\nsecond line", "akka.ssl.tcp://asrnn-grid@10.0.0.2:4053");
            Log<TcpTransport>().Error(new InvalidOperationException("outer", new IOException("the disk\nis full")), "could not write {0}", "x");
        }, 2);
        Assert.Equal([
            "akka warning [TcpTransport]: Association with akka.ssl.tcp://asrnn-grid@10.0.0.2:4053 failed",
            "akka error [TcpTransport]: could not write x (IOException: the disk)",
        ], lines);
    }
}
