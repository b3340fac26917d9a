namespace AsRnnGrid.Data;

/// <summary>
/// The pixel order fed to the network: new pixel i = original pixel perm[i]. sMNIST uses the
/// identity; pMNIST uses numpy <c>RandomState(seed).permutation(784)</c> (REF's seed is 92916).
/// </summary>
public static class PixelPermutation
{
    public const int ReferenceSeed = 92916;

    public static int[] Create(int? permuteSeed)
    {
        if (permuteSeed is not int seed)
        {
            var identity = new int[MnistSplit.PixelsPerImage];
            for (int i = 0; i < identity.Length; i++) identity[i] = i;
            return identity;
        }
        // numpy only accepts seeds in [0, 2^32); a negative int here is a caller's mistake.
        ArgumentOutOfRangeException.ThrowIfNegative(seed, nameof(permuteSeed));
        return new Mt19937((uint)seed).Permutation(MnistSplit.PixelsPerImage);
    }
}
