using Akka.Configuration;
using Akka.Persistence.Sql;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>Where a node listens and how others reach it (loopback unless told otherwise).</summary>
public sealed record NodeEndpoint(string Hostname = "127.0.0.1", int Port = 0, string? PublicHostname = null);

/// <summary>
/// The HOCON of a sweep node: Akka.Cluster over TCP, the project's serializer for every sweep message, and, on
/// the supervisor's node, the SQLite ledger through Akka.Persistence.Sql.
/// </summary>
public static class SweepNodeConfig
{
    public const string SystemName = "asrnn-grid";

    public static Config Create(NodeEndpoint endpoint, IEnumerable<string> roles, string? ledgerPath)
    {
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
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                run-coordinated-shutdown-when-down = on
              }
              coordinated-shutdown.run-by-clr-shutdown-hook = off
            }
            """;
        var config = ConfigurationFactory.ParseString(hocon);
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
