using System.IO.Compression;

namespace AsRnnGrid.Data.Tests;

/// <summary>
/// The tests' MNIST subset (<see cref="MnistSubset"/>), loaded once per test class on first use (so that a test skips,
/// rather than the class failing, where the shared data is absent), plus raw-file copies for corruption tests.
/// </summary>
public sealed class MnistFixture
{
    readonly Lazy<MnistDataset> data = new(() => MnistDataset.Load(MnistSubset.Folder));

    public MnistDataset Data => data.Value;

    public static readonly string[] FileNames =
        [MnistDataset.TrainImages, MnistDataset.TrainLabels, MnistDataset.TestImages, MnistDataset.TestLabels];

    /// <summary>Writes the four files decompressed (raw IDX) into <paramref name="dir"/>.</summary>
    internal static void WriteRawCopies(TempDirectory dir)
    {
        foreach (string name in FileNames)
        {
            using var gz = new GZipStream(File.OpenRead(Path.Combine(MnistSubset.Folder, name + ".gz")), CompressionMode.Decompress);
            using var raw = File.Create(dir.File(name));
            gz.CopyTo(raw);
        }
    }
}
