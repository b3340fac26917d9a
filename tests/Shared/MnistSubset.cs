using System.Buffers.Binary;
using System.IO.Compression;
using AsRnnGrid.Data;

namespace AsRnnGrid.Tests;

/// <summary>
/// The small real MNIST set the tests train and check on: 2,000 train and 500 test digits, the first 200 (50) of every
/// digit in the order of the 10,000-digit set's files (<see cref="LargeData.Mnist10k"/>), written once per test process
/// as the four standard IDX files (gzip) into a temporary folder, a valid <c>data_dir</c> for smnist and pmnist.
/// The digits are read from the shared data, never copied into the repository; where that set is absent, a test that
/// asks for <see cref="Folder"/> reports itself skipped, naming what it needs.
/// </summary>
public static class MnistSubset
{
    public const int TrainCount = 2000;
    public const int TestCount = 500;

    // Lazy keeps the first outcome, a skip included, so every test of the process sees the same folder or the same skip.
    static readonly Lazy<string> folder = new(Write, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder of the four files; skips the calling test where the 10,000-digit set is absent.</summary>
    public static string Folder => folder.Value;

    static string Write()
    {
        var source = MnistDataset.Load(LargeData.Mnist10k);
        var dir = Path.Combine(Path.GetTempPath(), $"asrnn-mnist-subset-{Environment.ProcessId}");
        var staging = dir + ".partial";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        WriteSplit(source.Train, TrainCount, staging, MnistDataset.TrainImages, MnistDataset.TrainLabels);
        WriteSplit(source.Test, TestCount, staging, MnistDataset.TestImages, MnistDataset.TestLabels);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.Move(staging, dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } };
        return dir;
    }

    /// <summary>The first count/10 images of every digit, in the split's order (balanced, and the same for the same source).</summary>
    static void WriteSplit(MnistSplit split, int count, string dir, string imagesName, string labelsName)
    {
        var perClass = count / MnistSplit.Classes;
        var taken = new int[MnistSplit.Classes];
        var chosen = new List<int>(count);
        for (var i = 0; i < split.Count && chosen.Count < count; i++)
            if (taken[split.Labels[i]]++ < perClass) chosen.Add(i);
        if (chosen.Count != count)
            throw new InvalidOperationException($"{LargeData.Mnist10k}: fewer than {perClass} images of some digit");

        var images = new byte[16 + count * MnistSplit.PixelsPerImage];
        WriteHeader(images, 0x803, count, MnistSplit.Rows, MnistSplit.Columns);
        var labels = new byte[8 + count];
        WriteHeader(labels, 0x801, count);
        for (var k = 0; k < count; k++)
        {
            split.Pixels.AsSpan(chosen[k] * MnistSplit.PixelsPerImage, MnistSplit.PixelsPerImage).CopyTo(images.AsSpan(16 + k * MnistSplit.PixelsPerImage));
            labels[8 + k] = split.Labels[chosen[k]];
        }
        WriteGzip(Path.Combine(dir, imagesName + ".gz"), images);
        WriteGzip(Path.Combine(dir, labelsName + ".gz"), labels);
    }

    static void WriteHeader(byte[] file, int magic, params int[] dims)
    {
        BinaryPrimitives.WriteInt32BigEndian(file, magic);
        for (var d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4 + 4 * d), dims[d]);
    }

    static void WriteGzip(string path, byte[] content)
    {
        using var gz = new GZipStream(File.Create(path), CompressionLevel.Optimal);
        gz.Write(content);
    }
}
