namespace AsRnnGrid.Actors.Tests.Grid;

/// <summary>Finds the repository root (the folder of AsRnnGrid.sln) and the shared data beside it (as Training.Tests does).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
    public static string Mnist => Path.Combine(SharedData, "mnist-10k");

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AsRnnGrid.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("AsRnnGrid.sln not found above " + AppContext.BaseDirectory);
    }
}
