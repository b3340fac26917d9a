namespace AsRnnGrid.Data.Tests;

public class PixelPermutationTests
{
    [Fact]
    public void NullSeed_IsIdentity()
    {
        Assert.Equal(Enumerable.Range(0, 784), PixelPermutation.Create(null));
    }

    [Fact]
    public void ReferenceSeed_IsTheShippedPermutation()
    {
        int[] shipped = File.ReadAllLines(RepositoryPaths.PermutationFile).Where(l => l.Trim().Length > 0).Select(int.Parse).ToArray();
        Assert.Equal(shipped, PixelPermutation.Create(92916));
    }

    [Fact]
    public void OtherSeeds_GiveOtherPermutations()
    {
        int[] p1234 = PixelPermutation.Create(1234);
        Assert.Equal(Enumerable.Range(0, 784), p1234.Order());
        Assert.NotEqual(PixelPermutation.Create(92916), p1234);
    }
}
