using Akka.Configuration;
using Akka.Persistence.Sql;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>Where a node listens and how others reach it (loopback unless told otherwise).</summary>
public sealed record NodeEndpoint(string Hostname = "127.0.0.1", int Port = 0, string? PublicHostname = null)
{
    /// <summary>How the ledger and `status` name the node listening on <paramref name="port"/>.</summary>
    public string NodeName(int port) => $"{PublicHostname ?? Environment.MachineName}:{port}";
}

/// <summary>
/// The HOCON of a sweep node: Akka.Cluster over TCP, the project's serializer for every sweep message, and, on
/// the supervisor's node, the SQLite ledger through Akka.Persistence.Sql.
/// </summary>
public static class SweepNodeConfig
{
    public const string SystemName = "asrnn-grid";

    /// <param name="seed">The seed a worker joins (host:port); null on the seed itself, which joins itself.</param>
    /// <param name="downAfter">How long a node stays unreachable before the split-brain resolver downs it (Akka's default: 20 s).</param>
    public static Config Create(NodeEndpoint endpoint, IEnumerable<string> roles, string? ledgerPath,
        string? seed = null, TimeSpan? downAfter = null, string extra = "")
    {
        var seeds = seed is null ? "" : $"seed-nodes = [\"akka.tcp://{SystemName}@{seed}\"]";
        var stableAfter = downAfter is { } d ? $"split-brain-resolver.stable-after = {Math.Max(1, (int)d.TotalMilliseconds)}ms" : "";
        var hocon = $$"""
            akka {
              loglevel = WARNING
              stdout-loglevel = WARNING
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              actor {
                provider = cluster
                serializers { sweep = "{{typeof(SweepSerializer).AssemblyQualifiedName}}" }
                serialization-bindings { "{{typeof(ISweepMessage).AssemblyQualifiedName}}" = sweep }
                serialization-identifiers { "{{typeof(SweepSerializer).AssemblyQualifiedName}}" = {{SweepSerializer.Id}} }
              }
              remote.dot-netty.tcp {
                hostname = "{{endpoint.Hostname}}"
                port = {{endpoint.Port}}
                {{(endpoint.PublicHostname is { } pub ? $"public-hostname = \"{pub}\"" : "")}}
              }
              cluster {
                roles = [{{string.Join(", ", roles.Select(r => $"\"{r}\""))}}]
                {{seeds}}
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                # The side with the supervisor always survives: a lost worker is downed, and workers cut off from
                # the supervisor down themselves, then rejoin as new nodes (worker command), never the reverse.
                split-brain-resolver {
                  active-strategy = keep-oldest
                  keep-oldest { down-if-alone = off, role = "supervisor" }
                  # Never down everyone (the supervisor included) because reachability flapped for a while.
                  down-all-when-unstable = off
                }
                {{stableAfter}}
                run-coordinated-shutdown-when-down = on
                # Training children keep every core busy: a node's heartbeats may come late without it being gone.
                failure-detector { acceptable-heartbeat-pause = 10s, threshold = 12.0 }
              }
              coordinated-shutdown.run-by-clr-shutdown-hook = off
            }
            """;
        var config = ConfigurationFactory.ParseString(extra).WithFallback(ConfigurationFactory.ParseString(hocon));
        if (ledgerPath is not null)
        {
            var connection = $"Data Source={ledgerPath}";
            config = config.WithFallback(ConfigurationFactory.ParseString($$"""
                akka.persistence {
                  journal {
                    plugin = "akka.persistence.journal.sql"
                    sql { connection-string = "{{connection}}", provider-name = "SQLite.MS", auto-initialize = on }
                  }
                  snapshot-store {
                    plugin = "akka.persistence.snapshot-store.sql"
                    sql { connection-string = "{{connection}}", provider-name = "SQLite.MS", auto-initialize = on }
                  }
                }
                """)).WithFallback(SqlPersistence.DefaultConfiguration);
        }
        return config;
    }
}
