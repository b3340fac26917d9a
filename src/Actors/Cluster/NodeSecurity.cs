namespace AsRnnGrid.Actors.Cluster;

/// <summary>How a node's connections to the other nodes of the sweep are protected.</summary>
public abstract record NodeSecurity
{
    NodeSecurity() { }

    /// <summary>Every connection is mutually authenticated TLS with the sweep's certificate, in both directions (the default).</summary>
    public sealed record MutualTls(SweepCertificate Certificate) : NodeSecurity;

    /// <summary>Plain TCP, unauthenticated (`--insecure-plaintext`, for debugging only): anyone who reaches the port can join.</summary>
    public sealed record InsecurePlaintext : NodeSecurity;

    /// <summary>What a person is told at start when a node runs without TLS.</summary>
    public static string PlaintextWarning(string listensOn) =>
        $"warning: --insecure-plaintext: node-to-node traffic is neither encrypted nor authenticated; anyone who reaches {listensOn} can join this sweep (debugging only)";
}
