namespace AsRnnGrid.Training.Configuration;

/// <summary>
/// A path a person gave where a folder is expected (a run folder, a results folder, the ledger's folder): refused when it,
/// or a folder above it, is a file, before anything tries to create it (the raw IOException of Directory.CreateDirectory
/// says neither which path nor what to do).
/// </summary>
public static class FolderPath
{
    /// <summary>What is wrong with <paramref name="path"/> as a folder, or null when it is one or can be made.</summary>
    public static string? Problem(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) return "is a file, not a folder";
        for (var above = Path.GetDirectoryName(full); above is not null; above = Path.GetDirectoryName(above))
        {
            if (Directory.Exists(above)) return null;
            if (File.Exists(above)) return $"cannot be a folder: {above} is a file";
        }
        return null;
    }

    /// <summary>Throws a <see cref="ConfigurationException"/> `PATH: what is wrong (WHAT)` where <see cref="Problem"/> finds something.</summary>
    public static void Require(string path, string what)
    {
        if (Problem(path) is { } problem) throw new ConfigurationException($"{path}: {problem} ({what})");
    }
}
