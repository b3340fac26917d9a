using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// A fused multi-step recurrence, TorchSharp's nn.RNN (tanh) or nn.LSTM (cuDNN on CUDA), run with weights the model
/// computes in its own autograd graph. TorchSharp's modules own their weights and have no functional form, so the
/// weights are copied into the module for each pass and <see cref="FusedKernelFunction"/> carries the gradients of
/// the module's weights back to the tensors they were copied from (spec §8.4, "Autograd").
/// The module is not registered with the model: the model's parameters and checkpoints stay those of the per-step cells.
/// One pass with gradient at a time: the next pass overwrites the weights the previous one's backward needs.
/// </summary>
public sealed class FusedKernel : IDisposable
{
    readonly RNN? _rnn;
    readonly LSTM? _lstm;
    readonly Parameter[] _weights;
    readonly List<Tensor> _retired = new();

    FusedKernel(RNN? rnn, LSTM? lstm)
    {
        _rnn = rnn;
        _lstm = lstm;
        var named = ((nn.Module)rnn! ?? lstm!).named_parameters().ToDictionary(p => p.name, p => p.parameter);
        _weights = [named["weight_ih_l0"], named["weight_hh_l0"], named["bias_ih_l0"], named["bias_hh_l0"]];
    }

    /// <summary>h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh).</summary>
    public static FusedKernel TanhRnn(long input, long hidden, Device device, ScalarType dtype)
        => new(nn.RNN(input, hidden, nonLinearity: nn.NonLinearities.Tanh, device: device, dtype: dtype), null);

    /// <summary>PyTorch's LSTM: gates (i, f, g, o), two bias vectors; the same as the LSTMCell loop.</summary>
    public static FusedKernel Lstm(long input, long hidden, Device device, ScalarType dtype)
        => new(null, nn.LSTM(input, hidden, device: device, dtype: dtype));

    /// <summary>
    /// Runs the sequence <paramref name="x"/> (T, B, I) from <paramref name="initial"/> (h, or h and c; each B x H):
    /// h_t of every step (T, B, H) and the final state (h_T, or h_T and c_T).
    /// </summary>
    public (Tensor Output, Tensor[] Final) Run(Tensor x, Tensor[] initial, Tensor weightIh, Tensor weightHh, Tensor biasIh, Tensor biasHh)
    {
        if (initial.Length != (_lstm is null ? 1 : 2)) throw new ArgumentException("the initial state is h for the RNN, (h, c) for the LSTM");
        DisposeRetired();
        var state = initial.Select(s => s.unsqueeze(0)).ToArray();
        Tensor[] weights = [weightIh, weightHh, biasIh, biasHh];
        List<Tensor> outputs;
        if (torch.is_grad_enabled() && state.Append(x).Concat(weights).Any(t => t.requires_grad))
            outputs = FusedKernelFunction.apply([x, .. state, .. weights, this]);
        else
        {
            Load(weights);
            outputs = Forward(x, state).ToList();
        }
        return (outputs[0], outputs.Skip(1).Select(s => s.squeeze(0)).ToArray());
    }

    /// <summary>The module's own weights (leaves of the inner graph).</summary>
    internal IReadOnlyList<Parameter> Weights => _weights;

    /// <summary>
    /// Tensors the previous pass's backward handed to libtorch. On CUDA the autograd engine runs backward on its own
    /// thread, outside any DisposeScope, so without this they would hold device memory until a garbage collection.
    /// </summary>
    internal void Retire(IEnumerable<Tensor> tensors)
    {
        lock (_retired) _retired.AddRange(tensors.Where(t => t is not null));
    }

    void DisposeRetired()
    {
        lock (_retired)
        {
            foreach (var t in _retired) t.Dispose();
            _retired.Clear();
        }
    }

    internal void Load(Tensor[] weights)
    {
        using var _ = torch.no_grad();
        for (int i = 0; i < _weights.Length; i++) _weights[i].copy_(weights[i]);
    }

    /// <summary>The module's pass: output, then h_n (and c_n), each 1 x B x H.</summary>
    internal Tensor[] Forward(Tensor x, Tensor[] state)
    {
        if (_lstm is not null)
        {
            var (output, h, c) = _lstm.forward(x, (state[0], state[1]));
            return [output, h, c];
        }
        var (o, hn) = _rnn!.forward(x, state[0]);
        return [o, hn];
    }

    public void Dispose()
    {
        DisposeRetired();
        _rnn?.Dispose();
        _lstm?.Dispose();
    }
}
