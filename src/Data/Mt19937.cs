namespace AsRnnGrid.Data;

/// <summary>
/// MT19937 with numpy's legacy <c>RandomState</c> semantics, so streams from the reference scripts
/// (copy digits seeded 5544, the pMNIST permutation seeded 92916) replay bit for bit without numpy.
/// </summary>
public sealed class Mt19937
{
    private const int N = Mt19937State.WordCount;
    private const int M = 397;
    private const uint MatrixA = 0x9908B0DFu;
    private const uint UpperMask = 0x80000000u;
    private const uint LowerMask = 0x7FFFFFFFu;

    private readonly uint[] _mt = new uint[N];
    private int _mti;

    /// <summary>Seeds with the classic <c>init_genrand</c>, as <c>RandomState(seed)</c> does for a 32-bit seed.</summary>
    public Mt19937(uint seed)
    {
        _mt[0] = seed;
        for (int i = 1; i < N; i++)
            _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        _mti = N;
    }

    public Mt19937(Mt19937State state) => SetState(state);

    public Mt19937State GetState() => new(_mt, _mti);

    public void SetState(Mt19937State state)
    {
        state.WordSpan.CopyTo(_mt);
        _mti = state.Position;
    }

    public uint NextUInt32()
    {
        if (_mti >= N) Regenerate();
        uint y = _mt[_mti++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>numpy <c>random_sample</c>: 53 random bits from two draws, uniform in [0, 1).</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>
    /// Uniform integer in [0, max] by numpy's legacy masked rejection: mask to the smallest 2^k-1 at
    /// least <paramref name="max"/> and redraw while above it. Ranges that fit 32 bits take one
    /// 32-bit draw per try (numpy's buffered 32-bit path); wider ones take two (high word first).
    /// </summary>
    public ulong Interval(ulong max)
    {
        if (max == 0) return 0;
        ulong mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        ulong value;
        if (max <= uint.MaxValue)
        {
            do value = NextUInt32() & mask; while (value > max);
        }
        else
        {
            do value = (((ulong)NextUInt32() << 32) | NextUInt32()) & mask; while (value > max);
        }
        return value;
    }

    /// <summary>numpy legacy <c>randint(low, high)</c> (int64 dtype): one value in [low, high).</summary>
    public long RandInt(long low, long high)
    {
        if (high <= low)
            throw new ArgumentOutOfRangeException(nameof(high), $"randint needs low < high, got [{low}, {high}).");
        return low + (long)Interval((ulong)(high - low - 1));
    }

    /// <summary>numpy legacy <c>randint(low, high, size=count)</c> filled in order (row-major for a shape).</summary>
    public void RandInt(long low, long high, Span<int> destination)
    {
        if (high <= low)
            throw new ArgumentOutOfRangeException(nameof(high), $"randint needs low < high, got [{low}, {high}).");
        if (low < int.MinValue || high - 1 > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(high), "int destination cannot hold this range.");
        ulong max = (ulong)(high - low - 1);
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (int)(low + (long)Interval(max));
    }

    /// <summary>
    /// numpy legacy <c>RandomState.permutation(n)</c>: Fisher-Yates on the identity from the top,
    /// j uniform in [0, i] by <see cref="Interval"/>.
    /// </summary>
    public int[] Permutation(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = n - 1; i >= 1; i--)
        {
            int j = (int)Interval((ulong)i);
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        return perm;
    }

    private void Regenerate()
    {
        int kk;
        uint y;
        for (kk = 0; kk < N - M; kk++)
        {
            y = (_mt[kk] & UpperMask) | (_mt[kk + 1] & LowerMask);
            _mt[kk] = _mt[kk + M] ^ (y >> 1) ^ ((y & 1u) * MatrixA);
        }
        for (; kk < N - 1; kk++)
        {
            y = (_mt[kk] & UpperMask) | (_mt[kk + 1] & LowerMask);
            _mt[kk] = _mt[kk + (M - N)] ^ (y >> 1) ^ ((y & 1u) * MatrixA);
        }
        y = (_mt[N - 1] & UpperMask) | (_mt[0] & LowerMask);
        _mt[N - 1] = _mt[M - 1] ^ (y >> 1) ^ ((y & 1u) * MatrixA);
        _mti = 0;
    }
}
