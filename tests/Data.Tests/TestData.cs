namespace AsRnnGrid.Data.Tests;

/// <summary>Locates the shared test data: ../shared/data next to the repository root.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Root = new(FindSharedData);

    public static string SharedData => Root.Value;

    public static string MnistDir => Path.Combine(SharedData, "mnist-10k");

    public static string PtbDir => Path.Combine(SharedData, "ptb-char");

    public static string PtbValid => Path.Combine(PtbDir, PtbCorpus.ValidFile);

    public static string PtbTest => Path.Combine(PtbDir, PtbCorpus.TestFile);

    public static string PermutationFile => Path.Combine(SharedData, "..", "specs", "pmnist_perm_92916.txt");

    private static string FindSharedData()
    {
        // Walk up from the test binaries to the folder holding the solution; data lives beside it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AsRnnGrid.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
        }
        throw new InvalidOperationException($"AsRnnGrid.sln not found above {AppContext.BaseDirectory}");
    }
}
