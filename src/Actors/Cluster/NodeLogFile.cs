using System.Globalization;

namespace AsRnnGrid.Actors.Cluster;

/// <summary>
/// Where a node keeps Akka's own log: results/logs/ROLE-MACHINE-TIME-PID.log, a new file for each start of a node (the
/// seed's `run`, each `worker`), so that nodes sharing the results folder never write one file.
/// </summary>
public static class NodeLogFile
{
    public const string Folder = "logs";

    public static string PathFor(string results, string role) => Path.Combine(results, Folder,
        $"{role}-{Environment.MachineName}-{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.log");
}
