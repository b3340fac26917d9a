namespace AsRnnGrid.Data.Tests;

public class Mt19937Tests
{
    [Fact]
    public void InitGenrand5489_GivesTheReferenceOutputs()
    {
        // First outputs of Matsumoto & Nishimura's mt19937ar.c for init_genrand(5489).
        var rng = new Mt19937(5489);
        uint[] expected = [3499211612, 581869302, 3890346734, 3586334585, 545404204];
        Assert.Equal(expected, Enumerable.Range(0, 5).Select(_ => rng.NextUInt32()).ToArray());
    }

    [Fact]
    public void NextDouble_MatchesNumpyRandomSampleForSeed0()
    {
        // numpy: RandomState(0).random_sample(3)
        var rng = new Mt19937(0);
        Assert.Equal(0.5488135039273248, rng.NextDouble());
        Assert.Equal(0.7151893663724195, rng.NextDouble());
        Assert.Equal(0.6027633760716439, rng.NextDouble());
    }

    [Fact]
    public void Permutation92916_EqualsTheShippedFile()
    {
        int[] shipped = File.ReadAllLines(RepositoryPaths.PermutationFile)
            .Where(l => l.Trim().Length > 0).Select(int.Parse).ToArray();
        int[] perm = new Mt19937(92916).Permutation(784);

        Assert.Equal(784, shipped.Length);
        Assert.Equal(shipped, perm);
    }

    [Fact]
    public void Permutation92916_HasTheSpecChecksums()
    {
        int[] perm = new Mt19937(92916).Permutation(784);

        Assert.Equal(Enumerable.Range(0, 784), perm.Order());
        Assert.Equal(118652722L, perm.Select((p, i) => (long)i * p).Sum());
        Assert.Equal([319, 576, 323, 107, 355, 716, 197, 20, 625, 60, 443, 620, 678, 241, 628, 231, 76, 340, 552, 486], perm[..20]);
        Assert.Equal([295, 185, 776, 665, 123, 470, 264, 102, 39, 346], perm[^10..]);
    }

    [Fact]
    public void RandInt1To9_Seed5544_ReplaysReferenceCopyDigits()
    {
        var rng = new Mt19937(5544);
        var digits = new int[2 * 10];
        rng.RandInt(1, 9, digits);

        Assert.Equal([8, 4, 1, 3, 2, 3, 8, 4, 8, 8], digits[..10]);
        Assert.Equal([5, 4, 7, 6, 4, 7, 7, 6, 5, 3], digits[10..]);
    }

    [Fact]
    public void RandInt_IsOneMaskedDrawPerValueForAPowerOfTwoRange()
    {
        // Range 8: mask 7 never rejects, so each value is 1 + (w & 7) of consecutive outputs.
        var a = new Mt19937(5544);
        var b = new Mt19937(5544);
        for (int i = 0; i < 1000; i++)
            Assert.Equal(1 + (a.NextUInt32() & 7), b.RandInt(1, 9));
    }

    [Fact]
    public void Interval_RejectsAboveMaxAndStaysInRange()
    {
        // max 4 uses mask 7: values 5-7 are redrawn, so the result equals the first masked draw <= 4.
        var raw = new Mt19937(77);
        var rng = new Mt19937(77);
        for (int i = 0; i < 200; i++)
        {
            uint v;
            do v = raw.NextUInt32() & 7; while (v > 4);
            Assert.Equal(v, rng.Interval(4));
        }
        Assert.Equal(0UL, rng.Interval(0));
        Assert.Equal(raw.NextUInt32(), rng.NextUInt32()); // Interval(0) consumed nothing
    }

    [Fact]
    public void Interval_WideRangeUsesTwoDrawsHighWordFirst()
    {
        var raw = new Mt19937(3);
        var rng = new Mt19937(3);
        ulong max = (1UL << 40) - 1; // mask equals max: never rejects
        ulong expected = (((ulong)raw.NextUInt32() << 32) | raw.NextUInt32()) & max;
        Assert.Equal(expected, rng.Interval(max));
    }

    [Fact]
    public void State_RoundTripsThroughBytesMidBlock()
    {
        var rng = new Mt19937(92916);
        for (int i = 0; i < 1000; i++) rng.NextUInt32(); // position inside the second block
        Mt19937State state = rng.GetState();
        uint[] expected = Enumerable.Range(0, 1500).Select(_ => rng.NextUInt32()).ToArray();

        byte[] bytes = state.ToBytes();
        Assert.Equal(Mt19937State.ByteCount, bytes.Length);
        var restored = Mt19937State.FromBytes(bytes);
        Assert.Equal(state, restored);
        Assert.Equal(1000 - 624, restored.Position);

        var replay = new Mt19937(1);
        replay.SetState(restored);
        Assert.Equal(expected, Enumerable.Range(0, 1500).Select(_ => replay.NextUInt32()).ToArray());
    }

    [Fact]
    public void State_IsASnapshotNotALiveView()
    {
        var rng = new Mt19937(5);
        Mt19937State before = rng.GetState();
        for (int i = 0; i < 700; i++) rng.NextUInt32();
        Assert.NotEqual(before, rng.GetState());
        Assert.Equal(new Mt19937(5).GetState(), before);
    }

    [Fact]
    public void State_FromBytesRejectsWrongLengthAndPosition()
    {
        Assert.Throws<ArgumentException>(() => Mt19937State.FromBytes(new byte[10]));
        byte[] bytes = new Mt19937(1).GetState().ToBytes();
        bytes[^4] = 0xFF; // position 625+
        Assert.Throws<ArgumentException>(() => Mt19937State.FromBytes(bytes));
    }
}
