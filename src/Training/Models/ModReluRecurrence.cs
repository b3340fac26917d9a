using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// The modReLU recurrence in row form, h_t = modReLU(A_t + h_{t-1} W, b), shared by the modReLU models (expRNN, dtriv,
/// scoRNN, rnn, nnRNN, ENRNN). A holds the input projection of every step, computed before the loop (docs/models.md §8.1), and W
/// the recurrent matrix of this forward pass (§8.2), already in the "h W" orientation.
/// </summary>
public static class ModReluRecurrence
{
    /// <summary>modReLU: sign(z) · max(0, |z| + b), with sign(0) = 0 (docs/models.md §2.1).</summary>
    public static Tensor ModRelu(Tensor z, Tensor bias) => z.sign() * nn.functional.relu(z.abs() + bias);

    /// <summary>
    /// Runs the recurrence from <paramref name="hidden"/> over the (T, B, H) projections; gives every h_t (T, B, H) when
    /// <paramref name="allSteps"/>, else the last (B, H), and the last h_t. <paramref name="lean"/> (the fused option):
    /// z_t in one addmm and the modReLU with an in-place relu, the fewest kernels the formula allows; otherwise the
    /// plain cell, step by step as the papers write it.
    /// </summary>
    public static (Tensor Outputs, Tensor Last) Run(Tensor projected, Tensor w, Tensor bias, Tensor hidden, bool allSteps, bool lean)
    {
        long steps = projected.shape[0];
        // unbind, not projected[t]: per-step indexing makes the backward pass quadratic in the sequence length.
        var inputs = projected.unbind(0);
        var outputs = allSteps ? new Tensor[steps] : null;
        for (long t = 0; t < steps; t++)
        {
            if (lean)
            {
                var z = torch.addmm(inputs[t], hidden, w, 1, 1);
                // The sum is a temporary, so relu may overwrite it.
                hidden = z.sign() * (z.abs() + bias).relu_();
            }
            else
            {
                hidden = ModRelu(inputs[t] + hidden.matmul(w), bias);
            }
            if (outputs is not null) outputs[t] = hidden;
        }
        return (outputs is not null ? torch.stack(outputs) : hidden, hidden);
    }
}
