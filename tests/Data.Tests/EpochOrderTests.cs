namespace AsRnnGrid.Data.Tests;

public class EpochOrderTests
{
    [Fact]
    public void Shuffled_7996_Gives62FullBatchesAndOneOf60()
    {
        var order = EpochOrder.Shuffled(new Mt19937(5544), 7996);

        Assert.Equal(63, order.BatchCount);
        for (int b = 0; b < 62; b++) Assert.Equal(128, order.Batch(b).Length);
        Assert.Equal(60, order.Batch(62).Length);
        var all = Enumerable.Range(0, 63).SelectMany(b => order.Batch(b).ToArray()).ToArray();
        Assert.Equal(Enumerable.Range(0, 7996), all.Order());
        Assert.Equal(order.Order.ToArray(), all);
        Assert.Throws<ArgumentOutOfRangeException>(() => order.Batch(63));
    }

    [Fact]
    public void Shuffled_FollowsTheCallersGenerator()
    {
        var rng = new Mt19937(7);
        Mt19937State start = rng.GetState();
        int[] epoch1 = EpochOrder.Shuffled(rng, 1000).Order.ToArray();
        int[] epoch2 = EpochOrder.Shuffled(rng, 1000).Order.ToArray();

        Assert.Equal(new Mt19937(7).Permutation(1000), epoch1);
        Assert.NotEqual(epoch1, epoch2);
        rng.SetState(start); // a checkpointed generator replays the same epochs
        Assert.Equal(epoch1, EpochOrder.Shuffled(rng, 1000).Order.ToArray());
    }

    [Fact]
    public void Sequential_IsInOrder()
    {
        var order = EpochOrder.Sequential(2004, 1000);
        Assert.Equal(3, order.BatchCount);
        Assert.Equal(Enumerable.Range(2000, 4), order.Batch(2).ToArray());
    }
}
