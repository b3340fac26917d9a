using System.CommandLine;
using AsRnnGrid.Actors.Cluster;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cli;

/// <summary>The options that say where a sweep node listens and how it talks to the others, shared by `run` and `worker`.</summary>
public sealed class NodeOptions
{
    readonly Option<string> _hostname = new("--hostname") { Description = "address this node listens on (default 127.0.0.1: this machine only)", DefaultValueFactory = _ => "127.0.0.1" };
    readonly Option<int> _port = new("--port") { Description = "port this node listens on (0: any free one)" };
    readonly Option<string> _publicHostname = new("--public-hostname") { Description = "the name other machines reach this node by (default: --hostname)" };
    readonly Option<double?> _downAfter = new("--down-after") { Description = "seconds a node may stay unreachable before it is taken out of the cluster (default 20)" };
    readonly Option<bool> _insecurePlaintext = new("--insecure-plaintext") { Description = "plain TCP between the nodes instead of mutual TLS with the sweep's key: anyone who reaches the port can join (debugging only)" };

    public NodeOptions(Command command, int defaultPort)
    {
        _port.DefaultValueFactory = _ => defaultPort;
        command.Options.Add(_hostname);
        command.Options.Add(_port);
        command.Options.Add(_publicHostname);
        command.Options.Add(_downAfter);
        command.Options.Add(_insecurePlaintext);
    }

    public bool InsecurePlaintext(ParseResult parsed) => parsed.GetValue(_insecurePlaintext);

    public NodeEndpoint Endpoint(ParseResult parsed)
    {
        int port = parsed.GetValue(_port);
        if (port is < 0 or > 65535) throw new ConfigurationException($"--port: {port} is not a port number (0 to 65535)");
        return new NodeEndpoint(parsed.GetValue(_hostname)!, port, parsed.GetValue(_publicHostname));
    }

    public TimeSpan? DownAfter(ParseResult parsed)
    {
        if (parsed.GetValue(_downAfter) is not { } seconds) return null;
        if (seconds is <= 0 or > 3600) throw new ConfigurationException($"--down-after: {seconds} is not between 0 and 3600 seconds");
        return TimeSpan.FromSeconds(seconds);
    }
}
