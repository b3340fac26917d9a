using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// Chrono initialisation (Tallec &amp; Ollivier, ICLR 2018; docs/models.md §2.11): only the gate biases change.
/// PyTorch's cells add two bias vectors, so the chrono values go into b_ih and every slice of b_hh is zero (otherwise the
/// bias would be doubled). The other gate and candidate biases are zero, as the paper's "other biases 0" reads.
/// </summary>
public static class ChronoInit
{
    /// <summary>log U(1, T_max − 1) per unit.</summary>
    static Tensor Draw(long hidden, double tMax, ScalarType dtype, Generator g)
    {
        if (tMax <= 2) throw new ArgumentException($"chrono needs T_max above 2, got {tMax}");
        return Initializers.Uniform([hidden], 1, tMax - 1, ScalarType.Float64, g).log().to(dtype);
    }

    /// <summary>LSTM, gates (i, f, g, o): b_f ~ log U(1, T_max − 1), b_i = −b_f, b_g = b_o = 0; b_hh = 0.</summary>
    public static (Tensor BiasIh, Tensor BiasHh) Lstm(long hidden, double tMax, ScalarType dtype, Generator g)
    {
        var forget = Draw(hidden, tMax, dtype, g);
        var biasIh = torch.cat([-forget, forget, torch.zeros(2 * hidden, dtype)]);
        return (biasIh, torch.zeros(4 * hidden, dtype));
    }

    /// <summary>
    /// GRU, gates (r, z, n) with h' = (1 − z) ⊙ n + z ⊙ h: z keeps the old state, so b_z ~ log U(1, T_max − 1); b_r = b_n = 0;
    /// b_hh = 0. [unverified in the spec: the paper's GRU convention and sign; this is the reading that makes z a forget gate's complement.]
    /// </summary>
    public static (Tensor BiasIh, Tensor BiasHh) Gru(long hidden, double tMax, ScalarType dtype, Generator g)
    {
        var keep = Draw(hidden, tMax, dtype, g);
        var biasIh = torch.cat([torch.zeros(hidden, dtype), keep, torch.zeros(hidden, dtype)]);
        return (biasIh, torch.zeros(3 * hidden, dtype));
    }
}
