using System.IO.Compression;

namespace AsRnnGrid.Data.Tests;

/// <summary>The shared 10k MNIST, loaded once per test class, plus raw-file copies for corruption tests.</summary>
public sealed class MnistFixture
{
    public MnistDataset Data { get; } = MnistDataset.Load(TestData.MnistDir);

    public static readonly string[] FileNames =
        [MnistDataset.TrainImages, MnistDataset.TrainLabels, MnistDataset.TestImages, MnistDataset.TestLabels];

    /// <summary>Writes the four files decompressed (raw IDX) into <paramref name="dir"/>.</summary>
    internal static void WriteRawCopies(TempDirectory dir)
    {
        foreach (string name in FileNames)
        {
            using var gz = new GZipStream(File.OpenRead(Path.Combine(TestData.MnistDir, name + ".gz")), CompressionMode.Decompress);
            using var raw = File.Create(dir.File(name));
            gz.CopyTo(raw);
        }
    }
}
