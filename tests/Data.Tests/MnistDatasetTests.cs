namespace AsRnnGrid.Data.Tests;

public class MnistDatasetTests(MnistFixture fixture) : IClassFixture<MnistFixture>
{
    [SkippableFact]
    public void Load_HasTheSplitSizes()
    {
        Assert.Equal(2000, fixture.Data.Train.Count);
        Assert.Equal(500, fixture.Data.Test.Count);
        Assert.Equal(2000 * 784, fixture.Data.Train.Pixels.Length);
        Assert.Equal(500 * 784, fixture.Data.Test.Pixels.Length);
        Assert.Equal(2000, fixture.Data.Train.Labels.Length);
        Assert.Equal(500, fixture.Data.Test.Labels.Length);
    }

    [SkippableFact]
    public void Load_LabelHistogramsAreExact()
    {
        // Counted once from the IDX files with an independent reader; the subset takes 200 (50) digits of each class.
        Assert.Equal(Enumerable.Repeat(200, 10), fixture.Data.Train.LabelHistogram());
        Assert.Equal(Enumerable.Repeat(50, 10), fixture.Data.Test.LabelHistogram());
        Assert.Equal([1, 8, 3, 7, 2, 6, 6, 6, 1, 0], fixture.Data.Train.Labels[..10].Select(b => (int)b));
        Assert.Equal([4, 8, 2, 6, 3, 9, 0, 6, 8, 1], fixture.Data.Test.Labels[..10].Select(b => (int)b));
    }

    [SkippableFact]
    public void Load_PixelsSpanTheFullGreyRange()
    {
        foreach (MnistSplit split in new[] { fixture.Data.Train, fixture.Data.Test })
        {
            Assert.Equal(0, split.Pixels.Min());
            Assert.Equal(255, split.Pixels.Max());
        }
        Assert.Equal(52473954L, fixture.Data.Train.Pixels.Sum(p => (long)p));
        Assert.Equal(13357331L, fixture.Data.Test.Pixels.Sum(p => (long)p));
    }

    [SkippableFact]
    public void Load_RawFilesGiveTheSameData()
    {
        using var dir = new TempDirectory();
        MnistFixture.WriteRawCopies(dir);
        MnistDataset raw = MnistDataset.Load(dir.FullName);

        Assert.Equal(fixture.Data.Train.Pixels, raw.Train.Pixels);
        Assert.Equal(fixture.Data.Train.Labels, raw.Train.Labels);
        Assert.Equal(fixture.Data.Test.Pixels, raw.Test.Pixels);
        Assert.Equal(fixture.Data.Test.Labels, raw.Test.Labels);
    }

    [SkippableFact]
    public void GetBatch_ScalesAndPermutesPixels()
    {
        MnistSplit train = fixture.Data.Train;
        int[] perm = PixelPermutation.Create(PixelPermutation.ReferenceSeed);
        int[] indices = [5, 0, 1999];
        var (inputs, labels) = train.GetBatch(indices, perm);

        Assert.Equal(3 * 784, inputs.Length);
        Assert.Equal(indices.Select(i => (int)train.Labels[i]), labels);
        for (int b = 0; b < 3; b++)
            for (int i = 0; i < 784; i++)
                Assert.Equal(train.Pixels[indices[b] * 784 + perm[i]] / 255f, inputs[b * 784 + i]);
        Assert.All(inputs, v => Assert.InRange(v, 0f, 1f));
    }

    [SkippableFact]
    public void GetBatch_IdentityKeepsRowMajorOrder()
    {
        MnistSplit train = fixture.Data.Train;
        var (inputs, _) = train.GetBatch([0], PixelPermutation.Create(null));
        // Row 14, columns 8..17 of the first training image (read independently).
        byte[] expected = [0, 0, 0, 0x13, 0xFD, 0xFD, 0xE0, 0, 0, 0];
        Assert.Equal(expected.Select(p => p / 255f), inputs[400..410]);
        Assert.Equal(16936f, inputs.Sum() * 255f, 1);
    }
}
