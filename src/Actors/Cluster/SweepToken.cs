using System.Security.Cryptography;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cluster;

/// <summary>
/// The sweep token: a random secret the seed writes into the results folder, readable by its owner only. A worker
/// reads it from the same folder (which every node must see at the same path) and presents it with every request,
/// so a stray process or another lab's sweep on the network can neither take nor report work.
/// </summary>
public static class SweepToken
{
    public const string FileName = ".sweep-token";

    public static string PathIn(string results) => Path.Combine(results, FileName);

    /// <summary>The folder's token, created on the first run (kept across restarts so rejoining workers stay valid).</summary>
    public static string CreateOrRead(string results)
    {
        var path = PathIn(results);
        return File.Exists(path) ? Read(results) : Rotate(results);
    }

    /// <summary>A new token for the folder (the old one no longer registers a trainer).</summary>
    public static string Rotate(string results)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        DurableFile.WriteAllText(PathIn(results), token, SweepCertificate.OwnerOnly);
        return token;
    }

    public static string Read(string results)
    {
        var path = PathIn(results);
        if (!Directory.Exists(results))
            throw new ConfigurationException($"{results}: this node cannot see the sweep's results folder (every node must see it at the same path)");
        if (!File.Exists(path))
            throw new ConfigurationException($"{path}: no sweep token in the results folder (is the seed's `asrnn-grid run` using this folder?)");
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path}: cannot read the sweep token (run the worker as the user who started the seed)");
        }
    }
}
