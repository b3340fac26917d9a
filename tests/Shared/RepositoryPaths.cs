namespace AsRnnGrid.Tests;

/// <summary>
/// The repository root (the folder of AsRnnGrid.sln) and the test data committed under tests/data: a real MNIST subset in
/// the standard IDX file names and the reference's pixel permutation. Linked into every test project.
/// </summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>tests/data: what tests/data/README.md describes.</summary>
    public static string TestData => Path.Combine(Root, "tests", "data");

    /// <summary>The committed MNIST subset (2,000 train and 500 test digits), a valid <c>data_dir</c> for smnist and pmnist.</summary>
    public static string Mnist => Path.Combine(TestData, "mnist");

    /// <summary>numpy's RandomState(92916).permutation(784), one integer a line: the reference's pMNIST permutation.</summary>
    public static string PermutationFile => Path.Combine(TestData, "pmnist_perm_92916.txt");

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AsRnnGrid.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("AsRnnGrid.sln not found above " + AppContext.BaseDirectory);
    }
}
