namespace AsRnnGrid.Data.Tests;

public class AddingTaskTests
{
    [Theory]
    [InlineData(20)]
    [InlineData(21)]
    public void NextBatch_OneMarkerPerHalfAndTargetIsTheirSum(int length)
    {
        var task = new AddingTask(length);
        AddingBatch batch = task.NextBatch(new Mt19937(1), 2000);
        int firstHalfEnd = length / 2, secondStart = (length + 1) / 2;

        Assert.Equal(2000 * length * 2, batch.Inputs.Length);
        Assert.Equal(2000, batch.Targets.Length);
        var firstSeen = new HashSet<int>();
        var secondSeen = new HashSet<int>();
        for (int b = 0; b < 2000; b++)
        {
            var steps = Enumerable.Range(0, length).Select(s => (Value: batch.Inputs[(b * length + s) * 2], Mask: batch.Inputs[(b * length + s) * 2 + 1])).ToArray();
            Assert.All(steps, s => Assert.InRange(s.Value, 0f, 1f));
            Assert.All(steps, s => Assert.True(s.Mask is 0f or 1f));
            int[] marked = Enumerable.Range(0, length).Where(s => steps[s].Mask == 1f).ToArray();
            Assert.Equal(2, marked.Length);
            Assert.InRange(marked[0], 0, firstHalfEnd - 1);
            Assert.InRange(marked[1], secondStart, length - 1);
            Assert.Equal(steps[marked[0]].Value + steps[marked[1]].Value, batch.Targets[b]);
            firstSeen.Add(marked[0]);
            secondSeen.Add(marked[1]);
        }
        // Uniform placement: every allowed step gets a marker in 2000 draws.
        Assert.Equal(firstHalfEnd, firstSeen.Count);
        Assert.Equal(length - secondStart, secondSeen.Count);
    }

    [Fact]
    public void BaselineMse_IsOneSixthAndMatchesTheDraws()
    {
        var task = new AddingTask(10);
        Assert.Equal(1.0 / 6.0, task.BaselineMse);
        AddingBatch batch = task.NextBatch(new Mt19937(2), 20000);
        double mse = batch.Targets.Average(t => (t - 1.0) * (t - 1.0));
        Assert.Equal(1.0 / 6.0, mse, 0.01);
    }

    [Fact]
    public void NextBatch_IsDeterministicPerSeed()
    {
        var task = new AddingTask(30);
        Assert.Equal(task.NextBatch(new Mt19937(9), 4).Inputs, task.NextBatch(new Mt19937(9), 4).Inputs);
        Assert.NotEqual(task.NextBatch(new Mt19937(9), 4).Inputs, task.NextBatch(new Mt19937(10), 4).Inputs);
    }
}
