using System.Globalization;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Dispatch;
using Akka.Event;
using static AsRnnGrid.Actors.Cluster.RemoteTlsEvent;

namespace AsRnnGrid.Actors.Cluster;

/// <summary>
/// Where a node's Akka log lines go: <see cref="Write"/> is the node's output (the `run` notices, the worker's output),
/// <see cref="File"/> Akka's own log (results/logs/, INFO and above); <see cref="Seed"/>, on a worker, the seed it joins,
/// which it names in its own words while it cannot reach it, once a minute.
/// </summary>
public sealed class NodeLogSetup(Action<string> write, TlsPeerCheck? peers, string? file = null, string? seed = null) : Setup
{
    public Action<string> Write { get; } = write;
    public TlsPeerCheck? Peers { get; } = peers;
    public string? File { get; } = file;
    public string? Seed { get; } = seed;
}

/// <summary>
/// The node's only Akka logger (<see cref="Sweep.SweepNodeConfig"/> installs it). With a log file, Akka's own lines go
/// there, one each, and the node's output carries only what a person acts on: each refused TLS handshake as one line
/// that names the peer and why (instead of Akka's three or four errors with stack traces per connection attempt) and,
/// on a worker, a seed it cannot reach, once a minute (instead of two or three warnings every five seconds). Without a
/// file every warning or error is one line of the output, without a stack trace.
/// </summary>
public sealed class NodeLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    static readonly TimeSpan SayAgainAfter = TimeSpan.FromMinutes(1);
    readonly NodeLogSetup _setup;
    readonly StreamWriter? _file;
    /// <summary>Why an incoming connection is being refused, by its peer, until its refusal is written.</summary>
    readonly Dictionary<string, string> _reasons = new(StringComparer.Ordinal);
    DateTime _seedLastSaid = DateTime.MinValue;

    public NodeLogger()
    {
        var setup = Context.System.Settings.Setup.Get<NodeLogSetup>();
        _setup = setup.HasValue ? setup.Value : new NodeLogSetup(Console.Out.WriteLine, null);
        if (_setup.File is { } path)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _setup.Write($"cannot write Akka's log {path} ({e.Message}); its warnings come here");
            }
        }
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    protected override void PostStop()
    {
        _file?.Dispose();
        base.PostStop();
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
        _file?.WriteLine(FileLine(e));
        if (_setup.Seed is { } seed && UnreachableEvent.Read(e) is { } unreachable)
        {
            // Other nodes than the seed (a worker's peers) are Akka's business: the file has them.
            if (unreachable.Address == seed && unreachable.Reason is { } why && DateTime.UtcNow - _seedLastSaid >= SayAgainAfter)
            {
                _seedLastSaid = DateTime.UtcNow;
                _setup.Write($"cannot reach the seed at {seed} ({why}); still trying, every few seconds (this line once a minute)");
            }
            return;
        }
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
                if (_file is null && e.LogLevel() >= LogLevel.WarningLevel) _setup.Write(OneLine(e));
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

    /// <summary>A line of the log file: the time, the level, the source, the message and its cause, on one line.</summary>
    static string FileLine(LogEvent e)
    {
        var text = (e.Message?.ToString() ?? "").ReplaceLineEndings(" | ");
        var cause = e.Cause?.GetBaseException() is { } c ? $" ({c.GetType().Name}: {c.Message.ReplaceLineEndings(" | ")})" : "";
        var level = e.LogLevel().ToString().Replace("Level", "", StringComparison.Ordinal).ToUpperInvariant();
        return $"{e.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)} {level} [{e.LogSource}] {text}{cause}";
    }

    static string FirstLine(string? text) => text is null ? "" : text.Split('\n', 2)[0].TrimEnd('\r');
}
