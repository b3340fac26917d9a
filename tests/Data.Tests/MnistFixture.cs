using System.IO.Compression;

namespace AsRnnGrid.Data.Tests;

/// <summary>The committed MNIST subset (tests/data/mnist), loaded once per test class, plus raw-file copies for corruption tests.</summary>
public sealed class MnistFixture
{
    public MnistDataset Data { get; } = MnistDataset.Load(RepositoryPaths.Mnist);

    public static readonly string[] FileNames =
        [MnistDataset.TrainImages, MnistDataset.TrainLabels, MnistDataset.TestImages, MnistDataset.TestLabels];

    /// <summary>Writes the four files decompressed (raw IDX) into <paramref name="dir"/>.</summary>
    internal static void WriteRawCopies(TempDirectory dir)
    {
        foreach (string name in FileNames)
        {
            using var gz = new GZipStream(File.OpenRead(Path.Combine(RepositoryPaths.Mnist, name + ".gz")), CompressionMode.Decompress);
            using var raw = File.Create(dir.File(name));
            gz.CopyTo(raw);
        }
    }
}
