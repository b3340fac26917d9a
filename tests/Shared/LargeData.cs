namespace AsRnnGrid.Tests;

/// <summary>
/// Real data sets too large (or, for PTB, not ours) to commit, found in the folder named by <see cref="Variable"/>:
/// <c>mnist-10k/</c> (10,000 MNIST digits in the IDX files) and <c>ptb-char/</c> (the Penn Treebank character
/// validation and test files). A test that reads them is a [SkippableFact] and asks here for its folder: where the
/// variable is unset or the folder is absent, the test reports itself skipped, naming the data it needs.
/// </summary>
public static class LargeData
{
    public const string Variable = "ASRNN_GRID_DATA";

    /// <summary>mnist-10k/: the four IDX files, train 7,996 and test 2,004 digits.</summary>
    public static string Mnist10k => Require("mnist-10k", "the 10,000-digit MNIST set");

    /// <summary>ptb-char/: ptb.char.valid.txt and ptb.char.test.txt (no train file).</summary>
    public static string PtbChar => Require("ptb-char", "the Penn Treebank character files");

    static string Require(string folder, string what)
    {
        var root = Environment.GetEnvironmentVariable(Variable);
        Skip.If(string.IsNullOrEmpty(root), $"needs {what} ({folder}/): set {Variable} to the folder that holds it");
        var dir = Path.Combine(root!, folder);
        Skip.IfNot(Directory.Exists(dir), $"needs {what}: {dir} does not exist ({Variable} is {root})");
        return dir;
    }
}
