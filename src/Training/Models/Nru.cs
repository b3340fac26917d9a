using AsRnnGrid.Training.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>nru (docs/models.md §2.10): ReLU of its own, one learning rate, a Xavier-normal decoder with zero bias on every task.</summary>
public sealed class NruKind : ModelKind
{
    public override string Name => "nru";
    public override int ReportPosition => 8;
    public override bool UsesRecurrentRate => false;
    public override string AutoNonlinear => "none";
    public override string? OwnNonlinearity => "ReLU";
    public override string? DecoderInit => "xavier";

    public override void Check(RunConfig c)
    {
        long product = (long)c.NruMemory * c.NruHeads;
        long root = (long)Math.Round(Math.Sqrt(product));
        if (root * root != product)
            throw new ConfigurationException($"NRU needs sqrt(nru_memory * nru_heads) to be an integer; {c.NruMemory} * {c.NruHeads} = {product} is not a square");
    }

    public override SequenceModel Create(ModelSpec spec, Generator generator, Device device) => new Nru(spec, generator, device);
}

/// <summary>
/// The Non-saturating Recurrent Unit (Chandar et al., AAAI 2019; docs/models.md §2.10), one layer. State (h, m): h ∈ R^H and a flat
/// memory m ∈ R^{m_s} (m_s = NruMemory), k = NruHeads write and erase heads, r = √(m_s k) (an integer):
/// <list type="number">
/// <item>h_t = ReLU(W_h [x_t; h_{t−1}; m_{t−1}] + b_h);</item>
/// <item>q = [h_t; m_{t−1}], α = W_α q + b_α ∈ R^k, β = W_β q + b_β ∈ R^k;</item>
/// <item>[u1; u2] = W_va q + b_va ∈ R^{2r}, v^a = vec(u1 u2ᵀ) (row-major) reshaped k × m_s, each row divided by
/// max(‖row‖₅, 10⁻¹²); v^b likewise with W_vb, b_vb;</item>
/// <item>m_t = m_{t−1} + mean over heads j of (α_j v^a_j − β_j v^b_j).</item>
/// </list>
/// h_t is decoded by the base class's decoder, which the resolver makes Xavier-normal with a zero bias for nru (the
/// reference's W_o, b_o). The other layers have PyTorch's default Linear init U(−1/√fan_in, 1/√fan_in) for weight and bias,
/// drawn in the reference's module order (W_va, W_vb, W_α, W_β, W_h). The reference's optional LayerNorm before the ReLU
/// and ReLU on α, β and the v's are off by default there and are not implemented here. All parameters are in the main group.
/// Not reproduced: the reference's own pMNIST variant (785 steps, a final zero input at which the label is read, its
/// RandomState(50) 50k/10k split); this model runs on this project's tasks as they are.
/// </summary>
public sealed class Nru : RecurrentNetwork
{
    readonly Parameter _writeVectorWeight, _writeVectorBias, _eraseVectorWeight, _eraseVectorBias;
    readonly Parameter _writeWeight, _writeBias, _eraseWeight, _eraseBias, _hiddenWeight, _hiddenBias;
    readonly long _memory, _heads, _rank;

    public Nru(ModelSpec spec, Generator g, Device device) : base("Nru", spec, g, device)
    {
        long h = spec.HiddenSize, i = spec.InputSize;
        _memory = spec.NruMemory;
        _heads = spec.NruHeads;
        if (_memory < 1 || _heads < 1) throw new ArgumentException($"NRU needs nru_memory and nru_heads of at least 1, got {_memory} and {_heads}");
        _rank = (long)Math.Round(Math.Sqrt(_memory * _heads));
        if (_rank * _rank != _memory * _heads)
            throw new ArgumentException($"NRU needs sqrt(nru_memory * nru_heads) to be an integer; {_memory} * {_heads} is not a square");
        var dtype = spec.DType;
        long q = h + _memory;
        Tensor Weight(long rows, long fanIn) => Initializers.DefaultLinear([rows, fanIn], fanIn, dtype, g);
        Tensor Bias(long rows, long fanIn) => Initializers.DefaultLinear([rows], fanIn, dtype, g);
        // The reference's module order: hm2v_alpha, hm2v_beta, hm2alpha, hm2beta, hmi2h; each Linear draws its weight, then its bias.
        _writeVectorWeight = Main("write_vector_weight", Weight(2 * _rank, q));
        _writeVectorBias = Main("write_vector_bias", Bias(2 * _rank, q));
        _eraseVectorWeight = Main("erase_vector_weight", Weight(2 * _rank, q));
        _eraseVectorBias = Main("erase_vector_bias", Bias(2 * _rank, q));
        _writeWeight = Main("write_weight", Weight(_heads, q));
        _writeBias = Main("write_bias", Bias(_heads, q));
        _eraseWeight = Main("erase_weight", Weight(_heads, q));
        _eraseBias = Main("erase_bias", Bias(_heads, q));
        _hiddenWeight = Main("hidden_weight", Weight(h, i + h + _memory));
        _hiddenBias = Main("hidden_bias", Bias(h, i + h + _memory));
    }

    protected override (Tensor Outputs, RecurrentState State) Recur(Tensor x, RecurrentState? state, bool allSteps)
    {
        long steps = x.shape[0], batch = x.shape[1], h = Spec.HiddenSize, i = Spec.InputSize;
        var hidden = state?.Parts[0] ?? torch.zeros([batch, h], Spec.DType, Device);
        var memory = state?.Parts[1] ?? torch.zeros([batch, _memory], Spec.DType, Device);
        // §8.1: W_h's input columns for all steps in one product; the [h; m] columns stay per step.
        var inputs = nn.functional.linear(x, _hiddenWeight.narrow(1, 0, i), _hiddenBias).unbind(0);
        var recurrentT = _hiddenWeight.narrow(1, i, h + _memory).t();
        // The four maps of q in one product per step: [u^a (2r); u^b (2r); α (k); β (k)].
        var headsWeight = torch.cat([_writeVectorWeight, _eraseVectorWeight, _writeWeight, _eraseWeight]);
        var headsBias = torch.cat([_writeVectorBias, _eraseVectorBias, _writeBias, _eraseBias]);
        var outputs = allSteps ? new Tensor[steps] : null;
        for (long t = 0; t < steps; t++)
        {
            hidden = (inputs[t] + torch.cat([hidden, memory], 1).matmul(recurrentT)).relu();
            var heads = nn.functional.linear(torch.cat([hidden, memory], 1), headsWeight, headsBias).split([_rank, _rank, _rank, _rank, _heads, _heads], 1);
            var write = HeadVectors(heads[0], heads[1], _heads, _memory);
            var erase = HeadVectors(heads[2], heads[3], _heads, _memory);
            // mean over heads of α_j v^a_j − β_j v^b_j, as one batched product per term: (B, 1, k) × (B, k, m_s).
            var change = heads[4].unsqueeze(1).bmm(write) - heads[5].unsqueeze(1).bmm(erase);
            memory = memory + change.squeeze(1) / _heads;
            if (outputs is not null) outputs[t] = hidden;
        }
        return (outputs is not null ? torch.stack(outputs) : hidden, new RecurrentState(hidden, memory));
    }

    /// <summary>vec(u1 u2ᵀ) (B × r each, row-major) reshaped (B, k, m_s), each row divided by max(its L5 norm, 10⁻¹²) (torch's normalize, p = 5).</summary>
    public static Tensor HeadVectors(Tensor u1, Tensor u2, long heads, long memory)
    {
        var v = u1.unsqueeze(2).bmm(u2.unsqueeze(1)).view(-1, heads, memory);
        return v / torch.linalg.vector_norm(v, 5, [2], keepdim: true).clamp_min(1e-12);
    }

    public override void OnParametersUpdated() { }
}
