using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tests;

/// <summary>
/// The fused recurrences against the per-step cells (the reference), in float64 on CPU: outputs, the final state
/// and the gradient of every parameter agree within 1e-9 relative, from a zero state and from a carried one (PTB).
/// </summary>
public class FusedEquivalenceTests
{
    const double Tolerance = 1e-9;

    static ModelSpec Spec(string model, string nonlinear, string mode, bool fused, int vocabulary = 0, string readout = "hidden") => new()
    {
        Model = ModelKind.Parse(model), Nonlinear = nonlinear, Mode = mode, InputSize = 3, HiddenSize = 6, OutputSize = 4,
        VocabularySize = vocabulary, Init = "cayley", A = 0.5, B = 1.5, Eps = 1e-2, RhoRatDen = 3, K = 2, M = 2,
        LstmReadout = readout, DecoderInit = vocabulary > 0 ? "uniform" : "default", DType = ScalarType.Float64, Fused = fused,
    };

    static Generator Gen(ulong seed) => new(seed, torch.CPU);

    /// <summary>The same model twice, per-step and fused, with every parameter moved off its initial value the same way.</summary>
    static (SequenceModel Cell, SequenceModel Fused) Pair(string model, string nonlinear, string mode, int vocabulary, string readout)
    {
        SequenceModel Build(bool fused)
        {
            var net = ModelFactory.Create(Spec(model, nonlinear, mode, fused, vocabulary, readout), Gen(31));
            var g = Gen(32);
            using (torch.no_grad())
                foreach (var (_, p) in net.named_parameters())
                    p.add_(torch.randn(p.shape, ScalarType.Float64, generator: g) * 0.3);
            net.OnParametersUpdated();
            return net;
        }
        return (Build(false), Build(true));
    }

    static double Relative(Tensor actual, Tensor expected)
        => (actual - expected).norm().ToDouble() / Math.Max(expected.norm().ToDouble(), 1e-300);

    static void AssertEquivalent(string model, string nonlinear, string mode, Readout readout, bool carried, int vocabulary = 0, string lstmReadout = "hidden")
    {
        var (cell, fused) = Pair(model, nonlinear, mode, vocabulary, lstmReadout);
        const int steps = 7, batch = 3, hidden = 6;
        var g = Gen(40);
        var x = vocabulary > 0
            ? torch.randint(vocabulary, [steps, batch], ScalarType.Int64, generator: g)
            : torch.randn([steps, batch, 3], ScalarType.Float64, generator: g);
        int parts = model == "lstm" ? 2 : 1;
        RecurrentState? state = carried
            ? new RecurrentState(Enumerable.Range(0, parts).Select(_ => torch.randn([batch, hidden], ScalarType.Float64, generator: g) * 0.5).ToArray())
            : null;

        var (outCell, stateCell) = cell.Forward(x, state, readout);
        var (outFused, stateFused) = fused.Forward(x, state, readout);
        string what = $"{model}/{nonlinear}/{mode} {readout} carried={carried}";
        Assert.True(Relative(outFused, outCell) < Tolerance, $"{what}: output differs by {Relative(outFused, outCell):E2}");
        for (int i = 0; i < parts; i++)
            Assert.True(Relative(stateFused.Parts[i], stateCell.Parts[i]) < Tolerance, $"{what}: state part {i} differs");

        // A loss that reads every output and the final state, so every gradient path is exercised.
        var weights = torch.randn(outCell.shape, ScalarType.Float64, generator: g);
        var stateWeights = Enumerable.Range(0, parts).Select(_ => torch.randn([batch, hidden], ScalarType.Float64, generator: g)).ToArray();
        Tensor Loss(Tensor output, RecurrentState s) => (output * weights).sum() + s.Parts.Select((p, i) => (p * stateWeights[i]).sum()).Aggregate((a, b) => a + b);
        Loss(outCell, stateCell).backward();
        Loss(outFused, stateFused).backward();
        var fusedParameters = fused.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        int compared = 0;
        foreach (var (name, p) in cell.named_parameters())
        {
            var expected = p.grad;
            var actual = fusedParameters[name].grad;
            Assert.True(expected is not null && actual is not null, $"{what}: {name} has no gradient");
            if (expected!.norm().ToDouble() == 0) Assert.Equal(0.0, actual!.norm().ToDouble());
            else Assert.True(Relative(actual!, expected) < Tolerance, $"{what}: gradient of {name} differs by {Relative(actual!, expected):E2}");
            compared++;
        }
        Assert.Equal(fusedParameters.Count, compared);
    }

    [Theory]
    [InlineData("asrnn", "asrnn", "exprnn")]
    [InlineData("asrnn", "asrnn", "dtriv")]
    [InlineData("asrnn", "asrnn", "cayley")]
    [InlineData("rnn", "tanh", "none")]
    [InlineData("rnn", "modrelu", "none")]
    [InlineData("exprnn", "modrelu", "exprnn")]
    [InlineData("dtriv", "modrelu", "dtriv")]
    [InlineData("scornn", "modrelu", "cayley")]
    [InlineData("lstm", "modrelu", "none")]
    [InlineData("gru", "none", "none")]
    public void Fused_matches_the_per_step_cell_at_every_step(string model, string nonlinear, string mode)
        => AssertEquivalent(model, nonlinear, mode, Readout.AllSteps, carried: false);

    [Theory]
    [InlineData("asrnn", "asrnn", "exprnn")]
    [InlineData("rnn", "tanh", "none")]
    [InlineData("exprnn", "modrelu", "exprnn")]
    [InlineData("lstm", "modrelu", "none")]
    [InlineData("gru", "none", "none")]
    public void Fused_matches_the_per_step_cell_at_the_last_step(string model, string nonlinear, string mode)
        => AssertEquivalent(model, nonlinear, mode, Readout.LastStep, carried: false);

    [Theory]
    [InlineData("asrnn", "asrnn", "exprnn")]
    [InlineData("asrnn", "asrnn", "cayley")]
    [InlineData("rnn", "tanh", "none")]
    [InlineData("exprnn", "modrelu", "exprnn")]
    [InlineData("lstm", "modrelu", "none")]
    [InlineData("gru", "none", "none")]
    public void Fused_matches_the_per_step_cell_from_a_carried_state_with_an_embedding(string model, string nonlinear, string mode)
        => AssertEquivalent(model, nonlinear, mode, Readout.AllSteps, carried: true, vocabulary: 11);

    [Theory]
    [InlineData(Readout.LastStep)]
    [InlineData(Readout.AllSteps)]
    public void Lstm_cell_readout_is_fused_where_only_the_last_step_is_decoded_and_equal_everywhere(Readout readout)
        => AssertEquivalent("lstm", "modrelu", "none", readout, carried: true, lstmReadout: "cell");
}
