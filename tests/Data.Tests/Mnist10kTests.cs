using System.Diagnostics;
using System.IO.Compression;

namespace AsRnnGrid.Data.Tests;

/// <summary>
/// The 10,000-digit MNIST set (ASRNN_GRID_DATA/mnist-10k; skipped where it is absent): its counts, and that the
/// committed subset in tests/data/mnist is exactly what tests/data/make-subset.sh writes from it.
/// </summary>
public class Mnist10kTests
{
    [SkippableFact]
    public void Load_HasTheSplitSizesHistogramsAndPixelSums()
    {
        var data = MnistDataset.Load(LargeData.Mnist10k);

        Assert.Equal(7996, data.Train.Count);
        Assert.Equal(2004, data.Test.Count);
        // Counted once from the IDX files with an independent reader.
        Assert.Equal([800, 901, 792, 825, 784, 690, 811, 856, 755, 782], data.Train.LabelHistogram());
        Assert.Equal([201, 226, 199, 207, 196, 173, 203, 214, 189, 196], data.Test.LabelHistogram());
        Assert.Equal([1, 8, 3, 7, 2, 6, 6, 6, 1, 0], data.Train.Labels[..10].Select(b => (int)b));
        Assert.Equal(209225317L, data.Train.Pixels.Sum(p => (long)p));
        Assert.Equal(52921283L, data.Test.Pixels.Sum(p => (long)p));
    }

    [SkippableFact]
    public void The_committed_subset_is_what_make_subset_writes_from_it()
    {
        var source = LargeData.Mnist10k;
        using var output = new TempDirectory();
        var script = Path.Combine(RepositoryPaths.TestData, "make-subset.sh");
        var (exit, stderr) = Run("bash", script, source, output.FullName);
        Skip.If(exit == 2 && stderr.Contains("python3 is required"), "make-subset.sh needs python3, which is not on PATH");
        Assert.True(exit == 0, $"make-subset.sh exited {exit}: {stderr}");

        // The decompressed bytes: gzip's compressed form may differ between zlib builds, the IDX content may not.
        foreach (var name in MnistFixture.FileNames)
            Assert.Equal(Decompressed(Path.Combine(RepositoryPaths.Mnist, name + ".gz")), Decompressed(Path.Combine(output.FullName, name + ".gz")));
    }

    static byte[] Decompressed(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gz.CopyTo(bytes);
        return bytes.ToArray();
    }

    static (int Exit, string Stderr) Run(string program, params string[] arguments)
    {
        var psi = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stderr.Result);
    }
}
