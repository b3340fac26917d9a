namespace AsRnnGrid.Tests;

/// <summary>
/// Real data sets that are not ours to commit, found in the folder named by <see cref="Variable"/>, or where it is unset
/// in the shared data folder beside the clone (<c>../shared/data</c>): <c>mnist-10k/</c> (10,000 MNIST digits in the
/// IDX files) and <c>ptb-char/</c> (the Penn Treebank character validation and test files). A test that reads them is a
/// [SkippableFact] and asks here for its folder: where neither holds it, the test reports itself skipped, naming the
/// data it needs.
/// </summary>
public static class LargeData
{
    public const string Variable = "ASRNN_GRID_DATA";

    /// <summary>mnist-10k/: the four IDX files, train 7,996 and test 2,004 digits.</summary>
    public static string Mnist10k => Require("mnist-10k", "the 10,000-digit MNIST set");

    /// <summary>ptb-char/: ptb.char.valid.txt and ptb.char.test.txt (no train file).</summary>
    public static string PtbChar => Require("ptb-char", "the Penn Treebank character files");

    /// <summary>The shared data folder beside the clone, where a lab keeps the data next to its checkout.</summary>
    static string Beside => Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "data"));

    static string Require(string folder, string what)
    {
        var root = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(root) && Directory.Exists(Beside)) root = Beside;
        Skip.If(string.IsNullOrEmpty(root), $"needs {what} ({folder}/): set {Variable} to the folder that holds it, or put it in {Beside}");
        var dir = Path.Combine(root!, folder);
        Skip.IfNot(Directory.Exists(dir), $"needs {what}: {dir} does not exist (the data folder is {root})");
        return dir;
    }
}
