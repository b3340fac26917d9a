namespace AsRnnGrid.Data;

/// <summary>Batching of a token stream for language modelling (docs/models.md §5.4).</summary>
public static class TokenBatching
{
    /// <summary>
    /// Cuts <paramref name="ids"/> into <paramref name="batch"/> contiguous chunks of n = len / batch
    /// tokens (the tail is dropped) and lays them out time-major, n x batch row-major: element
    /// (t, j) = <c>ids[j * n + t]</c>, so column j is the j-th chunk and row t is one time step.
    /// </summary>
    public static int[] Batchify(ReadOnlySpan<int> ids, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        int n = ids.Length / batch;
        var grid = new int[n * batch];
        for (int j = 0; j < batch; j++)
        {
            ReadOnlySpan<int> chunk = ids.Slice(j * n, n);
            for (int t = 0; t < n; t++)
                grid[t * batch + j] = chunk[t];
        }
        return grid;
    }

    /// <summary>
    /// Windows for i = 0, bptt, 2 bptt, ... &lt; n - 1 with length min(bptt, n - 1 - i): the last
    /// one is shorter, and row n - 1 is only ever a target.
    /// </summary>
    public static IEnumerable<BpttWindow> BpttWindows(int rows, int bptt)
    {
        // Checked here, not in the iterator, so a bad argument fails at the call.
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(bptt, 1);
        return Windows(rows, bptt);
    }

    private static IEnumerable<BpttWindow> Windows(int rows, int bptt)
    {
        for (int start = 0; start < rows - 1; start += bptt)
            yield return new BpttWindow(start, Math.Min(bptt, rows - 1 - start));
    }
}
