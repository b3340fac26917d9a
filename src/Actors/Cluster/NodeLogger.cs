using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Dispatch;
using Akka.Event;
using static AsRnnGrid.Actors.Cluster.RemoteTlsEvent;

namespace AsRnnGrid.Actors.Cluster;

/// <summary>Where a node's Akka log lines go (the `run` notices, the worker's output), and the TLS check they report on.</summary>
public sealed class NodeLogSetup(Action<string> write, TlsPeerCheck? peers) : Setup
{
    public Action<string> Write { get; } = write;
    public TlsPeerCheck? Peers { get; } = peers;
}

/// <summary>
/// The node's only Akka logger (<see cref="Sweep.SweepNodeConfig"/> installs it): every warning or error is one line,
/// without a stack trace, and each refused TLS handshake is one line that names the peer and why, instead of Akka's
/// three or four errors with stack traces per connection attempt.
/// </summary>
public sealed class NodeLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    readonly NodeLogSetup _setup;
    /// <summary>Why an incoming connection is being refused, by its peer, until its refusal is written.</summary>
    readonly Dictionary<string, string> _reasons = new(StringComparer.Ordinal);

    public NodeLogger()
    {
        var setup = Context.System.Settings.Setup.Get<NodeLogSetup>();
        _setup = setup.HasValue ? setup.Value : new NodeLogSetup(Console.Out.WriteLine, null);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    void Write(LogEvent e)
    {
        try
        {
            Classify(e);
        }
        catch (Exception failure)
        {
            // A logger that throws is restarted and loses its mailbox; the line is not worth that.
            Console.Error.WriteLine($"log line lost: {failure.Message}");
        }
    }

    void Classify(LogEvent e)
    {
        switch (Read(e))
        {
            case InboundRefused refused:
                var key = refused.Peer.ToString() ?? "";
                var reason = _setup.Peers?.TakeReason(key) ?? (_reasons.Remove(key, out var noted) ? noted : "the TLS handshake failed");
                _setup.Write($"refused a connection from {Display(refused.Peer)}: {reason}");
                break;
            case InboundReason why:
                if (_reasons.Count > 1000) _reasons.Clear(); // reasons whose refusal never came: not a leak under a flood
                _reasons[why.Peer.ToString() ?? ""] = why.Reason;
                break;
            case OutboundFailed or Detail:
                // The node's host says it once (a worker: why it exits); Akka shuts the node down.
                break;
            default:
                if (e.LogLevel() >= LogLevel.WarningLevel) _setup.Write(OneLine(e));
                break;
        }
    }

    static string OneLine(LogEvent e)
    {
        var level = e.LogLevel() == LogLevel.ErrorLevel ? "error" : "warning";
        var text = FirstLine(e.Message?.ToString());
        var cause = e.Cause?.GetBaseException() is { } c ? $" ({c.GetType().Name}: {FirstLine(c.Message)})" : "";
        return $"akka {level} [{e.LogClass?.Name ?? e.LogSource}]: {text}{cause}";
    }

    static string FirstLine(string? text) => text is null ? "" : text.Split('\n', 2)[0].TrimEnd('\r');
}
