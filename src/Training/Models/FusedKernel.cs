using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// A fused multi-step recurrence, TorchSharp's nn.RNN (tanh), nn.LSTM or nn.GRU (cuDNN on CUDA), run with weights the model
/// computes in its own autograd graph. TorchSharp's modules own their weights and have no functional form, so the
/// weights are copied into the module for each pass and <see cref="FusedKernelFunction"/> carries the gradients of
/// the module's weights back to the tensors they were copied from (docs/models.md §8.4, "Autograd").
/// The module is not registered with the model: the model's parameters and checkpoints stay those of the per-step cells.
/// One pass with gradient at a time: the next pass overwrites the weights the previous one's backward needs.
/// </summary>
public sealed class FusedKernel : IDisposable
{
    readonly nn.Module _module;
    readonly int _stateParts;
    readonly Func<Tensor, Tensor[], Tensor[]> _forward;
    readonly Parameter[] _weights;
    readonly List<Tensor> _retired = new();

    FusedKernel(nn.Module module, int stateParts, Func<Tensor, Tensor[], Tensor[]> forward)
    {
        _module = module;
        _stateParts = stateParts;
        _forward = forward;
        var named = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        _weights = [named["weight_ih_l0"], named["weight_hh_l0"], named["bias_ih_l0"], named["bias_hh_l0"]];
    }

    /// <summary>h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh).</summary>
    public static FusedKernel TanhRnn(long input, long hidden, Device device, ScalarType dtype)
    {
        var rnn = nn.RNN(input, hidden, nonLinearity: nn.NonLinearities.Tanh, device: device, dtype: dtype);
        return new(rnn, 1, (x, state) => { var (o, h) = rnn.forward(x, state[0]); return [o, h]; });
    }

    /// <summary>PyTorch's LSTM: gates (i, f, g, o), two bias vectors; the same as the LSTMCell loop.</summary>
    public static FusedKernel Lstm(long input, long hidden, Device device, ScalarType dtype)
    {
        var lstm = nn.LSTM(input, hidden, device: device, dtype: dtype);
        return new(lstm, 2, (x, state) => { var (o, h, c) = lstm.forward(x, (state[0], state[1])); return [o, h, c]; });
    }

    /// <summary>PyTorch's GRU: gates (r, z, n), two bias vectors, n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)); the same as the GRUCell loop.</summary>
    public static FusedKernel Gru(long input, long hidden, Device device, ScalarType dtype)
    {
        var gru = nn.GRU(input, hidden, device: device, dtype: dtype);
        return new(gru, 1, (x, state) => { var (o, h) = gru.forward(x, state[0]); return [o, h]; });
    }

    /// <summary>
    /// Runs the sequence <paramref name="x"/> (T, B, I) from <paramref name="initial"/> (h, or h and c; each B x H):
    /// h_t of every step (T, B, H) and the final state (h_T, or h_T and c_T).
    /// </summary>
    public (Tensor Output, Tensor[] Final) Run(Tensor x, Tensor[] initial, Tensor weightIh, Tensor weightHh, Tensor biasIh, Tensor biasHh)
    {
        if (initial.Length != _stateParts) throw new ArgumentException("the initial state is h for the RNN and the GRU, (h, c) for the LSTM");
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
    internal Tensor[] Forward(Tensor x, Tensor[] state) => _forward(x, state);

    public void Dispose()
    {
        DisposeRetired();
        _module.Dispose();
    }
}
