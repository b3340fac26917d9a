using System.IO.Compression;

namespace AsRnnGrid.Data.Tests;

/// <summary>
/// The 10,000-digit MNIST set (ASRNN_GRID_DATA/mnist-10k; skipped where it is absent): its counts, and that the
/// subset the tests train on (MnistSubset) holds the digits it always held.
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

    /// <summary>
    /// The subset the tests train on holds the very digits the repository once committed (tests/data/mnist, written by
    /// the make-subset.sh of that time): the SHA-256 of each file's IDX content, as tests/data/README.md gives them.
    /// </summary>
    [SkippableTheory]
    [InlineData(MnistDataset.TrainImages, "495f2d3e38f70901317cb4e6665403afbcb4a1f1bf647ab1b6307297a0707e3a")]
    [InlineData(MnistDataset.TrainLabels, "0c6f4cabe8728a98f030144410505c0a312115e709f718515be661702be71058")]
    [InlineData(MnistDataset.TestImages, "4e82de0d1762b63b7f9a7e3005345a456ad42d798ecb1a5712f2ba0629e189f3")]
    [InlineData(MnistDataset.TestLabels, "a9aecf51536b338a6a574a18ccce40c0ffb07362f778f07f15e26bc2691ededc")]
    public void The_tests_subset_holds_the_digits_it_always_held(string name, string sha256)
    {
        // The decompressed bytes: gzip's compressed form may differ between zlib builds, the IDX content may not.
        var content = Decompressed(Path.Combine(MnistSubset.Folder, name + ".gz"));
        Assert.Equal(sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)));
    }

    static byte[] Decompressed(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gz.CopyTo(bytes);
        return bytes.ToArray();
    }
}
