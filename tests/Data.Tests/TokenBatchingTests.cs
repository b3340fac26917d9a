namespace AsRnnGrid.Data.Tests;

public class TokenBatchingTests
{
    [Fact]
    public void Batchify_ColumnsAreContiguousChunksTimeMajor()
    {
        int[] ids = Enumerable.Range(0, 26).ToArray();
        int[] grid = TokenBatching.Batchify(ids, 4);

        // n = 26 / 4 = 6; tokens 24 and 25 are dropped.
        Assert.Equal(24, grid.Length);
        int[] expected =
        [
            0, 6, 12, 18,
            1, 7, 13, 19,
            2, 8, 14, 20,
            3, 9, 15, 21,
            4, 10, 16, 22,
            5, 11, 17, 23,
        ];
        Assert.Equal(expected, grid);
    }

    [Fact]
    public void BpttWindows_LastWindowIsShort()
    {
        Assert.Equal([new BpttWindow(0, 4), new BpttWindow(4, 4), new BpttWindow(8, 1)], TokenBatching.BpttWindows(10, 4));
        // n - 1 = 8 is a multiple of bptt: no empty trailing window.
        Assert.Equal([new BpttWindow(0, 4), new BpttWindow(4, 4)], TokenBatching.BpttWindows(9, 4));
        Assert.Empty(TokenBatching.BpttWindows(1, 4));
        Assert.Empty(TokenBatching.BpttWindows(0, 4));
    }

    [Fact]
    public void BpttWindows_CoverEveryPredictedRowOnce()
    {
        // Valid with batch 10 has n = 39304 rows; bptt 150 gives 262 full windows and one of 3.
        var windows = TokenBatching.BpttWindows(39304, 150).ToList();
        Assert.Equal(263, windows.Count);
        Assert.All(windows[..^1], w => Assert.Equal(150, w.Length));
        Assert.Equal(new BpttWindow(39300, 3), windows[^1]);
        Assert.Equal(39303, windows.Sum(w => w.Length));
    }

    [Fact]
    public void Arguments_AreCheckedAtTheCall()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenBatching.Batchify([1, 2], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenBatching.BpttWindows(10, 0));
    }
}
