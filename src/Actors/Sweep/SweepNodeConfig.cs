using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using AsRnnGrid.Actors.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>Where a node listens and how others reach it (loopback unless told otherwise).</summary>
public sealed record NodeEndpoint(string Hostname = "127.0.0.1", int Port = 0, string? PublicHostname = null)
{
    /// <summary>How the ledger and `status` name the node listening on <paramref name="port"/>.</summary>
    public string NodeName(int port) => $"{PublicHostname ?? Environment.MachineName}:{port}";
}

/// <summary>What distinguishes one sweep node from another (the rest of its configuration is the same everywhere).</summary>
public sealed record SweepNodeSettings
{
    public NodeEndpoint Endpoint { get; init; } = new();
    public required NodeSecurity Security { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    /// <summary>The supervisor's node: the SQLite ledger; null elsewhere.</summary>
    public string? LedgerPath { get; init; }
    /// <summary>The seed a worker joins (host:port); null on the seed itself, which joins itself.</summary>
    public string? Seed { get; init; }
    /// <summary>How long a node stays unreachable before the split-brain resolver downs it (Akka's default: 20 s).</summary>
    public TimeSpan? DownAfter { get; init; }
    /// <summary>Tests only: false terminates the system without leaving the cluster first (a node lost, not one leaving).</summary>
    public bool LeaveOnTerminate { get; init; } = true;
    /// <summary>Where Akka's log lines go, one line each (<see cref="NodeLogger"/>).</summary>
    public Action<string> Log { get; init; } = Console.Out.WriteLine;

    /// <summary>
    /// A supervisor's node that joins no cluster and that no node joins (benchmarks and tests of the supervisor and
    /// its ledger): it listens on loopback only, so plain TCP exposes nothing.
    /// </summary>
    public static SweepNodeSettings Alone(string? ledgerPath) => new()
    {
        Security = new NodeSecurity.InsecurePlaintext(),
        Roles = [SweepNodeConfig.SupervisorRole],
        LedgerPath = ledgerPath,
    };
}

/// <summary>
/// A sweep node's whole Akka configuration, in Akka.Hosting's typed options: remoting (mutual TLS pinned to the sweep's
/// certificate, or plain TCP), Akka.Cluster with its split-brain resolver, the project's serializer for every sweep
/// message, Akka's logging (<see cref="NodeLogger"/>), and, on the supervisor's node, the SQLite ledger through
/// Akka.Persistence.Sql. What the typed options do not cover is the HOCON at the end, here too.
/// </summary>
public static class SweepNodeConfig
{
    public const string SystemName = "asrnn-grid";
    public const string SupervisorRole = "supervisor";
    public const string TrainerRole = "trainer";

    /// <summary>The node's ActorSystem, started (listening, and joining its seed).</summary>
    public static ActorSystem Start(SweepNodeSettings settings)
    {
        var services = new ServiceCollection();
        services.AddAkka(SystemName, builder => Configure(builder, settings));
        // Akka.Hosting builds the system from the service provider; it lives as long as the system does.
        var provider = services.BuildServiceProvider();
        ActorSystem system;
        try
        {
            system = provider.GetRequiredService<ActorSystem>();
        }
        catch (Exception e) when (Causes(e).OfType<SocketException>().FirstOrDefault() is { } socket)
        {
            // Remoting could not listen (the port is taken, the address is not this machine's): the person's option.
            provider.Dispose();
            var at = $"{settings.Endpoint.Hostname}:{settings.Endpoint.Port}";
            throw new AsRnnGrid.Training.Configuration.ConfigurationException($"--hostname/--port: this node cannot listen on {at}: {socket.Message}");
        }
        system.WhenTerminated.ContinueWith(_ => provider.Dispose(), TaskScheduler.Default);
        return system;
    }

    static IEnumerable<Exception> Causes(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException) yield return cause;
    }

    /// <summary>The Akka address of the seed at host:port, in the scheme of this node's transport.</summary>
    public static string SeedAddress(NodeSecurity security, string seed) =>
        $"akka.{(security is NodeSecurity.MutualTls ? "ssl." : "")}tcp://{SystemName}@{seed}";

    static void Configure(AkkaConfigurationBuilder builder, SweepNodeSettings settings)
    {
        var peers = settings.Security is NodeSecurity.MutualTls tls ? new TlsPeerCheck(tls.Certificate) : null;
        builder
            .ConfigureLoggers(logging =>
            {
                logging.LogLevel = LogLevel.WarningLevel;
                logging.ClearLoggers();
                logging.AddLogger<NodeLogger>();
                logging.DeadLetterOptions = new DeadLetterOptions { ShouldLog = TriStateValue.None, LogDuringShutdown = false };
            })
            .AddSetup(new NodeLogSetup(settings.Log, peers))
            .WithRemoting(Remoting(settings.Endpoint, peers))
            .WithClustering(new ClusterOptions
            {
                Roles = [.. settings.Roles],
                SeedNodes = settings.Seed is { } seed ? [SeedAddress(settings.Security, seed)] : null,
                // The side with the supervisor always survives: a lost worker is downed, and workers cut off from the
                // supervisor down themselves, then rejoin as new nodes (worker command), never the reverse.
                SplitBrainResolver = new KeepOldestOption { Role = SupervisorRole, DownIfAlone = false },
                // Training children keep every core busy: a node's heartbeats may come late without it being gone.
                FailureDetector = new PhiAccrualFailureDetectorOptions { AcceptableHeartbeatPause = TimeSpan.FromSeconds(10), Threshold = 12.0 },
            })
            .WithCustomSerializer("sweep", [typeof(ISweepMessage)], system => new SweepSerializer(system))
            .AddHocon(Rest(settings), HoconAddMode.Prepend);
        if (settings.LedgerPath is { } ledger)
            builder.WithSqlPersistence(connectionString: $"Data Source={ledger}", providerName: "SQLite.MS", autoInitialize: true);
    }

    static RemoteOptions Remoting(NodeEndpoint endpoint, TlsPeerCheck? peers)
    {
        var options = new RemoteOptions { HostName = endpoint.Hostname, Port = endpoint.Port, PublicHostName = endpoint.PublicHostname };
        if (peers is null) return options;
        options.EnableSsl = true;
        options.Ssl = new SslOptions
        {
            X509Certificate = peers.Sweep.Certificate,
            // The server asks every client for its certificate, and both ends check the other's with the pin.
            RequireMutualAuthentication = true,
            ValidateCertificateHostname = false,
            CustomValidator = peers.Validator,
        };
        return options;
    }

    /// <summary>The settings Akka.Hosting has no typed option for.</summary>
    static Config Rest(SweepNodeSettings settings)
    {
        var stableAfter = settings.DownAfter is { } d ? $"split-brain-resolver.stable-after = {Math.Max(1, (int)d.TotalMilliseconds)}ms" : "";
        var leave = settings.LeaveOnTerminate ? "" : "coordinated-shutdown.run-by-actor-system-terminate = off";
        return ConfigurationFactory.ParseString($$"""
            akka {
              stdout-loglevel = WARNING
              cluster {
                # Never down everyone (the supervisor included) because reachability flapped for a while.
                split-brain-resolver.down-all-when-unstable = off
                {{stableAfter}}
                run-coordinated-shutdown-when-down = on
              }
              coordinated-shutdown.run-by-clr-shutdown-hook = off
              {{leave}}
            }
            """);
    }
}
