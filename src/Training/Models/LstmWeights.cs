using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// The initial weights of an LSTM cell as <see cref="Lstm"/> draws them (docs/models.md §2.7): gates (i, f, g, o), every weight and
/// bias U(-1/sqrt H, 1/sqrt H) (PyTorch's default), then the forget slice [H, 2H) of both biases set to forget_bias / 2;
/// or, with chrono, the biases replaced by <see cref="ChronoInit.Lstm"/> (drawn after the default ones, as Lstm does).
/// The draw order is Lstm's, so a g-LSTM and an LSTM built from one seed hold the same cell weights.
/// </summary>
public static class LstmWeights
{
    public static (Tensor WeightIh, Tensor WeightHh, Tensor BiasIh, Tensor BiasHh) Draw(long input, long hidden, ModelSpec spec, Generator g)
    {
        long h = hidden;
        var dtype = spec.DType;
        var wih = Initializers.DefaultLinear([4 * h, input], h, dtype, g);
        var whh = Initializers.DefaultLinear([4 * h, h], h, dtype, g);
        var bih = Initializers.DefaultLinear([4 * h], h, dtype, g);
        var bhh = Initializers.DefaultLinear([4 * h], h, dtype, g);
        if (spec.Chrono)
            (bih, bhh) = ChronoInit.Lstm(h, spec.TMax, dtype, g);
        else
        {
            bih[TensorIndex.Slice(h, 2 * h)] = torch.tensor(spec.ForgetBias / 2).to(dtype);
            bhh[TensorIndex.Slice(h, 2 * h)] = torch.tensor(spec.ForgetBias / 2).to(dtype);
        }
        return (wih, whh, bih, bhh);
    }
}
