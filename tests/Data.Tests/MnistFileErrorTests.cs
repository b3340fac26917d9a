using System.Buffers.Binary;

namespace AsRnnGrid.Data.Tests;

/// <summary>Corrupted copies of the committed subset's files, each failing with one line naming file and fault.</summary>
public class MnistFileErrorTests
{
    private static DataFileException LoadFails(TempDirectory dir)
    {
        var e = Assert.Throws<DataFileException>(() => MnistDataset.Load(dir.FullName));
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [SkippableFact]
    public void MissingFiles_AreAllListedWithTheFolder()
    {
        using var dir = new TempDirectory();
        MnistFixture.WriteRawCopies(dir);
        File.Delete(dir.File(MnistDataset.TestLabels));
        File.Delete(dir.File(MnistDataset.TrainImages));

        var e = LoadFails(dir);
        Assert.Equal($"{dir.FullName}: missing MNIST files (raw or .gz): train-images-idx3-ubyte, t10k-labels-idx1-ubyte", e.Message);
        Assert.Equal(dir.FullName, e.Path);
    }

    [SkippableFact]
    public void WrongMagic_SaysExpectedAndFound()
    {
        using var dir = new TempDirectory();
        MnistFixture.WriteRawCopies(dir);
        // Labels where images belong: a classic mix-up.
        File.Copy(dir.File(MnistDataset.TestLabels), dir.File(MnistDataset.TestImages), overwrite: true);

        var e = LoadFails(dir);
        Assert.Equal($"{dir.File(MnistDataset.TestImages)}: wrong magic number: expected 0x00000803, found 0x00000801", e.Message);
        Assert.Equal(dir.File(MnistDataset.TestImages), e.Path);
        Assert.Null(e.Line);
    }

    [SkippableFact]
    public void Truncated_SaysExpectedAndGotBytes()
    {
        using var dir = new TempDirectory();
        MnistFixture.WriteRawCopies(dir);
        string path = dir.File(MnistDataset.TrainImages);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^100]);

        var e = LoadFails(dir);
        Assert.Equal($"{path}: truncated: expected 1568016 bytes, got 1567916", e.Message);
    }

    [SkippableFact]
    public void TruncatedHeader_SaysExpectedAndGotBytes()
    {
        using var dir = new TempDirectory();
        MnistFixture.WriteRawCopies(dir);
        string path = dir.File(MnistDataset.TrainLabels);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..6]);

        var e = LoadFails(dir);
        Assert.Equal($"{path}: truncated header: expected 8 bytes, got 6", e.Message);
    }

    [SkippableFact]
    public void LabelCountMismatch_NamesBothCounts()
    {
        using var dir = new TempDirectory();
        MnistFixture.WriteRawCopies(dir);
        string path = dir.File(MnistDataset.TrainLabels);
        byte[] bytes = File.ReadAllBytes(path);
        // Drop the last label consistently (header and body), so only the count disagrees.
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), 1999);
        File.WriteAllBytes(path, bytes[..^1]);

        var e = LoadFails(dir);
        Assert.Equal($"{path}: 1999 labels for 2000 images in train-images-idx3-ubyte", e.Message);
    }

    [SkippableFact]
    public void ImageDims_MustBe28By28()
    {
        using var dir = new TempDirectory();
        MnistFixture.WriteRawCopies(dir);
        string path = dir.File(MnistDataset.TestImages);
        byte[] bytes = File.ReadAllBytes(path);
        // 500 x 784 bytes read as 500 x 56 x 14: consistent length, wrong shape.
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 56);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), 14);
        File.WriteAllBytes(path, bytes);

        var e = LoadFails(dir);
        Assert.Equal($"{path}: image size is 56x14, expected 28x28", e.Message);
    }

    [SkippableFact]
    public void LabelsOutsideZeroToNine_AreRejected()
    {
        using var dir = new TempDirectory();
        MnistFixture.WriteRawCopies(dir);
        string path = dir.File(MnistDataset.TestLabels);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[8 + 17] = 10;
        File.WriteAllBytes(path, bytes);

        var e = LoadFails(dir);
        Assert.Equal($"{path}: label 10 at index 17 is outside 0-9", e.Message);
    }

    [SkippableFact]
    public void CorruptGzip_IsReportedForThatFile()
    {
        using var dir = new TempDirectory();
        foreach (string name in MnistFixture.FileNames)
            File.Copy(Path.Combine(MnistSubset.Folder, name + ".gz"), dir.File(name + ".gz"));
        string path = dir.File(MnistDataset.TrainImages + ".gz");
        byte[] bytes = File.ReadAllBytes(path);
        for (int i = 1000; i < 1100; i++) bytes[i] ^= 0x5A; // garble the deflate stream
        File.WriteAllBytes(path, bytes);

        var e = LoadFails(dir);
        Assert.StartsWith($"{path}: corrupt gzip data: ", e.Message);
        Assert.Equal(path, e.Path);
    }

    [SkippableFact]
    public void TruncatedGzip_IsReportedForThatFile()
    {
        using var dir = new TempDirectory();
        foreach (string name in MnistFixture.FileNames)
            File.Copy(Path.Combine(MnistSubset.Folder, name + ".gz"), dir.File(name + ".gz"));
        string path = dir.File(MnistDataset.TestImages + ".gz");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^5000]);

        var e = LoadFails(dir);
        // GZipStream stops quietly at the cut, so the IDX length check reports it.
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(path)}: truncated: expected 392016 bytes, got [0-9]+ after decompression$", e.Message);
    }

    [SkippableFact]
    public void GzipPreferredOverRaw_WhenBothExist()
    {
        using var dir = new TempDirectory();
        MnistFixture.WriteRawCopies(dir);
        File.WriteAllBytes(dir.File(MnistDataset.TrainLabels), [1, 2, 3]); // broken raw copy
        File.Copy(Path.Combine(MnistSubset.Folder, MnistDataset.TrainLabels + ".gz"), dir.File(MnistDataset.TrainLabels + ".gz"));

        Assert.Equal(2000, MnistDataset.Load(dir.FullName).Train.Labels.Length);
    }
}
