namespace AsRnnGrid.Data.Tests;

public class CopyMemoryTaskTests
{
    private static readonly int[] Row0 = [8, 4, 1, 3, 2, 3, 8, 4, 8, 8];
    private static readonly int[] Row1 = [5, 4, 7, 6, 4, 7, 7, 6, 5, 3];

    [Theory]
    [InlineData(1000, 0.020387)]
    [InlineData(2000, 0.010294)]
    public void BaselineLoss_MatchesSpec(int delay, double expected)
    {
        var task = new CopyMemoryTask(10, delay);
        Assert.Equal(expected, task.BaselineLoss, 6);
        Assert.Equal(delay + 20, task.SequenceLength);
        Assert.Equal(10, task.InputClasses);
        Assert.Equal(9, task.OutputClasses);
    }

    [Fact]
    public void BaselineLoss_HenaffVariantT200()
    {
        Assert.Equal(0.094520, new CopyMemoryTask(10, 200, recallOffset: 1).BaselineLoss, 6);
    }

    [Fact]
    public void NextBatch_Seed5544_ReplaysReferenceRowsWithRefLayout()
    {
        var task = new CopyMemoryTask(10, 1000);
        CopyBatch batch = task.NextBatch(new Mt19937(5544), 2);

        Assert.Equal(2, batch.BatchSize);
        Assert.Equal(1020, batch.Length);
        Assert.Equal(2 * 1020, batch.Inputs.Length);
        Assert.Equal(2 * 1020, batch.Targets.Length);
        int[][] rows = [Row0, Row1];
        for (int b = 0; b < 2; b++)
        {
            int[] x = batch.Inputs[(b * 1020)..((b + 1) * 1020)];
            int[] y = batch.Targets[(b * 1020)..((b + 1) * 1020)];
            Assert.Equal(rows[b], x[..10]);
            Assert.All(x[10..1010], v => Assert.Equal(0, v));
            Assert.Equal(9, x[1010]); // marker at K + L
            Assert.All(x[1011..], v => Assert.Equal(0, v));
            Assert.All(y[..1010], v => Assert.Equal(0, v));
            Assert.Equal(rows[b], y[1010..]); // first digit due at the marker step
        }
    }

    [Fact]
    public void NextBatch_HenaffOffset_MarkerOneEarlierRecallAfterIt()
    {
        var task = new CopyMemoryTask(10, 1000, recallOffset: 1);
        CopyBatch batch = task.NextBatch(new Mt19937(5544), 2);

        Assert.Equal(1020, batch.Length);
        Assert.Equal(1009, task.MarkerPosition);
        Assert.Equal(1010, task.RecallStart);
        int[] x = batch.Inputs[1020..];
        int[] y = batch.Targets[1020..];
        Assert.Equal(Row1, x[..10]);
        Assert.All(x[10..1009], v => Assert.Equal(0, v));
        Assert.Equal(9, x[1009]);
        Assert.All(x[1010..], v => Assert.Equal(0, v));
        Assert.All(y[..1010], v => Assert.Equal(0, v));
        Assert.Equal(Row1, y[1010..]);
    }

    [Fact]
    public void NextBatch_DrawsRowMajorSoBatchesContinueTheStream()
    {
        var task = new CopyMemoryTask(10, 5);
        var one = new Mt19937(5544);
        CopyBatch first = task.NextBatch(one, 1), second = task.NextBatch(one, 1);
        CopyBatch both = task.NextBatch(new Mt19937(5544), 2);

        Assert.Equal(both.Inputs, first.Inputs.Concat(second.Inputs));
        Assert.Equal(both.Targets, first.Targets.Concat(second.Targets));
    }

    [Fact]
    public void NextBatch_DigitsAreOneToEight()
    {
        var task = new CopyMemoryTask(10, 3);
        CopyBatch batch = task.NextBatch(new Mt19937(11), 500);
        var digits = Enumerable.Range(0, 500).SelectMany(b => batch.Inputs.Skip(b * 23).Take(10)).ToArray();
        Assert.Equal(Enumerable.Range(1, 8), digits.Distinct().Order());
    }

    [Fact]
    public void Constructor_RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CopyMemoryTask(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CopyMemoryTask(10, 10, recallOffset: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CopyMemoryTask(10, 0, recallOffset: 1));
    }
}
