using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// What every model shares: the optional embedding (PTB), the decoder and the readout.
/// A subclass implements the recurrence over a (T, B, I) input.
/// </summary>
public abstract class RecurrentNetwork : SequenceModel
{
    readonly Parameter? _embedding;
    readonly Parameter _decoderWeight, _decoderBias;
    readonly List<(string Name, List<Parameter> Parameters, GroupRate Rate, double WeightDecay)> _groups = new();
    long _countedExtra;

    protected RecurrentNetwork(string name, ModelSpec spec, Generator g, Device device) : base(name)
    {
        Spec = spec;
        Device = device;
        if (spec.VocabularySize > 0)
        {
            // REF's PTB embedding: U(-0.1, 0.1).
            _embedding = Main("embedding", Initializers.Uniform([spec.VocabularySize, spec.InputSize], -0.1, 0.1, spec.DType, g));
        }
        long h = spec.HiddenSize, o = spec.OutputSize;
        (Tensor weight, Tensor bias) = spec.DecoderInit switch
        {
            "kaiming" => (Initializers.KaimingNormal(o, h, spec.DType, g), torch.zeros(o, spec.DType)),
            "uniform" => (Initializers.Uniform([o, h], -0.1, 0.1, spec.DType, g), torch.zeros(o, spec.DType)),
            "default" => (Initializers.DefaultLinear([o, h], h, spec.DType, g), Initializers.DefaultLinear([o], h, spec.DType, g)),
            "xavier" => (Initializers.XavierNormal(o, h, spec.DType, g), torch.zeros(o, spec.DType)),
            _ => throw new ArgumentException($"unknown decoder initialisation '{spec.DecoderInit}'"),
        };
        _decoderWeight = Main("decoder_weight", weight);
        _decoderBias = Main("decoder_bias", bias);
    }

    public ModelSpec Spec { get; }
    public Device Device { get; }

    /// <summary>Registers a main-group parameter built from <paramref name="value"/> on the model's device.</summary>
    protected Parameter Main(string name, Tensor value) => Add(name, value, "main", GroupRate.Main);

    /// <summary>Registers a parameter of the recurrent group (rmsprop_constr_lr).</summary>
    protected Parameter Recurrent(string name, Tensor value) => Add(name, value, "recurrent", GroupRate.Recurrent);

    /// <summary>Registers a parameter in the group <paramref name="group"/>, made on first use with this rate and weight decay.</summary>
    protected Parameter Add(string name, Tensor value, string group, GroupRate rate, double weightDecay = 0)
    {
        var p = new Parameter(value.to(Device).detach().contiguous(), requires_grad: true);
        register_parameter(name, p);
        Join(p, group, rate, weightDecay);
        return p;
    }

    void Join(Parameter p, string group, GroupRate rate, double weightDecay)
    {
        int index = _groups.FindIndex(g => g.Name == group);
        if (index < 0) _groups.Add((group, new List<Parameter> { p }, rate, weightDecay));
        else if (_groups[index].Rate != rate || _groups[index].WeightDecay != weightDecay)
            throw new InvalidOperationException($"parameter group {group} already has another rate or weight decay");
        else _groups[index].Parameters.Add(p);
    }

    /// <summary>Registers an orthogonal parametrisation with the spec's mode; its X joins the recurrent or the main group.</summary>
    protected Orthogonal AddOrthogonal(string name, Tensor initialX, bool recurrentGroup)
        => AddOrthogonal(name, initialX, recurrentGroup, Spec.Mode == "cayley" ? "cayley" : "exp", Spec.Mode == "dtriv");

    /// <summary>Registers an orthogonal parametrisation with its own map (exp | cayley) and cadence (static or dtriv).</summary>
    protected Orthogonal AddOrthogonal(string name, Tensor initialX, bool recurrentGroup, string map, bool dynamic)
    {
        var module = new Orthogonal(name, initialX.to(Device), map, dynamic, Spec.K, recurrentGroup ? Spec.M : 100);
        register_module(name, module);
        Join(module.X, recurrentGroup ? "recurrent" : "main", recurrentGroup ? GroupRate.Recurrent : GroupRate.Main, 0);
        // A skew parameter counts n(n-1)/2, not n^2.
        _countedExtra -= module.X.numel() - module.ParameterCount;
        return module;
    }

    /// <summary>Counts <paramref name="p"/> as <paramref name="counted"/> values in <see cref="ParameterCount"/> (a masked matrix counts what it uses).</summary>
    protected void CountAs(Parameter p, long counted) => _countedExtra -= p.numel() - counted;

    public override IReadOnlyList<ParameterGroup> ParameterGroups()
        => _groups.Select(g => new ParameterGroup(g.Name, g.Parameters, g.Rate, g.WeightDecay)).ToArray();

    public override long ParameterCount => _groups.Sum(g => g.Parameters.Sum(p => p.numel())) + _countedExtra;

    /// <summary>Runs the recurrence: returns h for every step (T, B, H) when <paramref name="allSteps"/>, else the last (B, H); and the final state.</summary>
    protected abstract (Tensor Outputs, RecurrentState State) Recur(Tensor x, RecurrentState? state, bool allSteps);

    public override (Tensor Output, RecurrentState State) Forward(Tensor input, RecurrentState? state, Readout readout)
    {
        var x = _embedding is null ? input : _embedding.index_select(0, input.reshape(-1)).reshape(input.shape[0], input.shape[1], -1);
        var (outputs, final) = Recur(x, state, readout == Readout.AllSteps);
        return (nn.functional.linear(outputs, _decoderWeight, _decoderBias), final);
    }
}
