namespace AsRnnGrid.Tests;

/// <summary>
/// The repository root (the folder of AsRnnGrid.sln) and the test data committed under tests/data (the reference's pixel
/// permutation, earlier run folders; the MNIST digits are read from the shared data: <see cref="MnistSubset"/>). Linked
/// into every test project.
/// </summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>tests/data: what tests/data/README.md describes.</summary>
    public static string TestData => Path.Combine(Root, "tests", "data");

    /// <summary>numpy's RandomState(92916).permutation(784), one integer a line: the reference's pMNIST permutation.</summary>
    public static string PermutationFile => Path.Combine(TestData, "pmnist_perm_92916.txt");

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AsRnnGrid.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("AsRnnGrid.sln not found above " + AppContext.BaseDirectory);
    }
}
