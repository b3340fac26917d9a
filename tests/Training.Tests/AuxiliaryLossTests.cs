using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tests;

/// <summary>The auxiliary losses of lstm (docs/models.md §2.14): anchors, the loss against a direct computation, the truncation, gradients, training.</summary>
[Collection("Serial")]
public class AuxiliaryLossTests
{
    static ModelSpec Spec(string aux, string kind, int length = 3, int anchors = 2, int truncate = 100, int input = 4, int hidden = 5,
        int vocabulary = 0) => new()
    {
        Model = ModelKind.Parse("lstm"), Nonlinear = "modrelu", Mode = "none", InputSize = input, HiddenSize = hidden, OutputSize = 3,
        VocabularySize = vocabulary, InputKind = kind, Aux = aux, AuxLength = length, AuxAnchors = anchors, AuxTruncate = truncate,
        AuxWeight = 0.7, DType = ScalarType.Float64,
    };

    static Generator Gen(ulong seed) => new(seed, torch.CPU);

    static Lstm Model(ModelSpec spec, ulong seed = 1) => (Lstm)ModelFactory.Create(spec, Gen(seed));

    static Dictionary<string, Tensor> Parameters(SequenceModel model)
        => model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);

    /// <summary>Inputs (T, B, ·) of the kind: one-hot rows, real values, or token ids (T, B).</summary>
    static Tensor Input(string kind, long steps, long batch, long features, ulong seed, long vocabulary = 0) => kind switch
    {
        "one_hot" => nn.functional.one_hot(torch.randint(0, features, [steps, batch], generator: Gen(seed)), features).to(ScalarType.Float64),
        "tokens" => torch.randint(0, vocabulary, [steps, batch], generator: Gen(seed)),
        _ => torch.randn([steps, batch, features], ScalarType.Float64, generator: Gen(seed)),
    };

    static (Tensor H, Tensor C) Step(Dictionary<string, Tensor> p, string prefix, Tensor x, Tensor h, Tensor c)
    {
        var z = x.matmul(p[prefix + "weight_ih"].t()) + p[prefix + "bias_ih"] + h.matmul(p[prefix + "weight_hh"].t()) + p[prefix + "bias_hh"];
        var gates = z.chunk(4, 1);
        c = gates[1].sigmoid() * c + gates[0].sigmoid() * gates[2].tanh();
        return (gates[3].sigmoid() * c.tanh(), c);
    }

    /// <summary>
    /// The auxiliary loss written out one anchor and one sequence at a time: the main LSTM from zeros (or, where a − τ + 1 &gt; 0,
    /// from its detached state after step a − τ) up to the anchor, then the auxiliary LSTM teacher-forced over the segment.
    /// </summary>
    static Tensor Direct(Dictionary<string, Tensor> p, ModelSpec spec, Tensor input, long[,] anchors)
    {
        var x = spec.InputKind == "tokens" ? p["embedding"].index_select(0, input.reshape(-1)).reshape(input.shape[0], input.shape[1], -1) : input;
        long batch = x.shape[1], h = spec.HiddenSize, length = spec.AuxLength, tau = spec.AuxTruncate;
        bool predict = spec.Aux == "predict";
        long targets = predict ? length : length - 1;
        var total = torch.zeros([], ScalarType.Float64);
        long count = 0;
        for (int k = 0; k < anchors.GetLength(0); k++)
            for (int b = 0; b < batch; b++)
            {
                long a = anchors[k, b];
                Tensor hidden = torch.zeros([1, h], ScalarType.Float64), cell = torch.zeros([1, h], ScalarType.Float64);
                for (long t = 0; t <= a; t++)
                {
                    if (t == a - tau + 1) { hidden = hidden.detach(); cell = cell.detach(); }
                    (hidden, cell) = Step(p, "", x[t, b].unsqueeze(0), hidden, cell);
                }
                long first = predict ? a : a - length + 1;
                for (long s = 0; s < targets; s++)
                {
                    (hidden, cell) = Step(p, "aux_", x[first + s, b].unsqueeze(0), hidden, cell);
                    var output = hidden.matmul(p["aux_decoder_weight"].t()) + p["aux_decoder_bias"];
                    long target = first + s + 1;
                    total = total + spec.InputKind switch
                    {
                        "real" => (output - x[target, b].unsqueeze(0).detach()).pow(2).sum(),
                        "one_hot" => nn.functional.cross_entropy(output, x[target, b].argmax().unsqueeze(0), reduction: nn.Reduction.Sum),
                        _ => nn.functional.cross_entropy(output, input[target, b].unsqueeze(0), reduction: nn.Reduction.Sum),
                    };
                    count += spec.InputKind == "real" ? x.shape[2] : 1;
                }
            }
        return spec.AuxWeight * total / count;
    }

    static Tensor Anchors(long[,] values)
    {
        var flat = new long[values.Length];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(long));
        return torch.tensor(flat, [values.GetLength(0), values.GetLength(1)]);
    }

    [Theory]
    [InlineData("reconstruct", "one_hot", 100)]
    [InlineData("reconstruct", "one_hot", 3)]
    [InlineData("predict", "real", 100)]
    [InlineData("predict", "real", 2)]
    [InlineData("reconstruct", "tokens", 4)]
    [InlineData("predict", "tokens", 100)]
    public void Loss_and_gradients_for_fixed_anchors_match_a_direct_computation(string aux, string kind, int truncate)
    {
        var spec = Spec(aux, kind, length: 3, anchors: 2, truncate: truncate, vocabulary: kind == "tokens" ? 7 : 0);
        var model = Model(spec);
        long[,] anchors = aux == "reconstruct" ? new long[,] { { 2, 9, 5 }, { 7, 3, 9 } } : new long[,] { { 0, 6, 3 }, { 4, 1, 6 } };
        model.Auxiliary!.FixedAnchors = Anchors(anchors);
        var input = Input(kind, 10, 3, 4, 11, vocabulary: 7);
        model.Forward(input, null, Readout.AllSteps);
        var loss = model.RegularizationLoss();
        Assert.NotNull(loss);
        var p = Parameters(model);
        var expected = Direct(p, spec, input, anchors);
        Assert.Equal(expected.ToDouble(), loss.ToDouble(), 12);

        loss.backward();
        var grads = p.ToDictionary(kv => kv.Key, kv => kv.Value.grad?.clone());
        model.zero_grad();
        expected.backward();
        foreach (var (name, value) in p)
        {
            var mine = grads[name] ?? torch.zeros_like(value);
            var theirs = value.grad ?? torch.zeros_like(value);
            Assert.True((mine - theirs).abs().max().ToDouble() < 1e-12, $"{name}");
        }
        // The auxiliary network and the main LSTM receive a gradient; the main decoder does not (the auxiliary loss does not use it).
        Assert.True(grads["aux_weight_hh"]!.abs().sum().ToDouble() > 0);
        Assert.True(grads["weight_ih"]!.abs().sum().ToDouble() > 0);
        Assert.True(grads["decoder_weight"] is null || grads["decoder_weight"]!.abs().sum().ToDouble() == 0);
    }

    [Fact]
    public void Truncation_stops_the_gradient_exactly_tau_steps_before_the_anchor()
    {
        // Anchors 7 and 9, τ = 4: the main LSTM receives the auxiliary gradient at steps 4..7 and 6..9 only.
        var spec = Spec("reconstruct", "real", length: 3, anchors: 1, truncate: 4);
        var model = Model(spec);
        model.Auxiliary!.FixedAnchors = Anchors(new long[,] { { 7, 9 } });
        var x = torch.randn([12, 2, 4], ScalarType.Float64, generator: Gen(12)).requires_grad_(true);
        model.Forward(x, null, Readout.AllSteps);
        model.RegularizationLoss()!.backward();
        var grad = x.grad!;
        foreach (var (b, a) in new[] { (0, 7), (1, 9) })
            for (int t = 0; t < 12; t++)
            {
                double norm = grad[t, b].abs().sum().ToDouble();
                if (t >= a - 3 && t <= a) Assert.True(norm > 0, $"b={b} t={t}: no gradient inside the window");
                else Assert.Equal(0.0, norm);
            }

        // Without truncation the first step does receive a gradient.
        var untruncated = Model(spec with { AuxTruncate = 100 });
        untruncated.Auxiliary!.FixedAnchors = Anchors(new long[,] { { 7, 9 } });
        var y = x.detach().clone().requires_grad_(true);
        untruncated.Forward(y, null, Readout.AllSteps);
        untruncated.RegularizationLoss()!.backward();
        Assert.True(y.grad![0].abs().sum().ToDouble() > 0);
    }

    [Fact]
    public void Anchors_are_fixed_by_the_seed_and_the_forward_count()
    {
        var spec = Spec("reconstruct", "one_hot", length: 3, anchors: 2);
        var one = Model(spec, 5);
        var same = Model(spec, 5);
        var other = Model(spec, 6);
        var a0 = one.Auxiliary!.Anchors(0, 12, 4);
        Assert.Equal(new long[] { 2, 4 }, a0.shape);
        Assert.Equal(a0.data<long>().ToArray(), same.Auxiliary!.Anchors(0, 12, 4).data<long>().ToArray());
        Assert.NotEqual(a0.data<long>().ToArray(), other.Auxiliary!.Anchors(0, 12, 4).data<long>().ToArray());
        var a1 = one.Auxiliary.Anchors(1, 12, 4);
        Assert.NotEqual(a0.data<long>().ToArray(), a1.data<long>().ToArray());
        Assert.All(a0.data<long>().ToArray().Concat(a1.data<long>().ToArray()), a => Assert.InRange(a, 2, 11));

        // Training forwards draw anchors 0, 1, …; an evaluation forward neither draws nor counts.
        var x = Input("one_hot", 12, 4, 4, 13);
        one.Forward(x, null, Readout.AllSteps);
        Assert.Equal(a0.data<long>().ToArray(), one.Auxiliary.LastAnchors);
        using (torch.no_grad()) one.Forward(x, null, Readout.AllSteps);
        one.Forward(x, null, Readout.AllSteps);
        Assert.Equal(a1.data<long>().ToArray(), one.Auxiliary.LastAnchors);
        Assert.Equal(2L, one.get_buffer("aux_forwards")!.item<long>());

        // predict: anchors lie where the next aux_length inputs exist.
        var predict = Model(Spec("predict", "real", length: 4, anchors: 50), 5);
        Assert.All(predict.Auxiliary!.Anchors(0, 10, 3).data<long>().ToArray(), a => Assert.InRange(a, 0, 5));
    }

    [Fact]
    public void Only_a_training_forward_leaves_an_auxiliary_loss_and_it_is_read_once()
    {
        var model = Model(Spec("predict", "real", length: 3, anchors: 1));
        var x = Input("real", 8, 2, 4, 14);
        model.Forward(x, null, Readout.LastStep);
        Assert.NotNull(model.RegularizationLoss());
        Assert.Null(model.RegularizationLoss());
        model.Forward(x, null, Readout.AllSteps);
        using (torch.no_grad()) model.Forward(x, null, Readout.AllSteps);
        Assert.Null(model.RegularizationLoss());
        // A window too short for any segment has no auxiliary loss.
        model.Forward(x[..3], null, Readout.AllSteps);
        Assert.Null(model.RegularizationLoss());
    }

    [Fact]
    public void Parameter_count_includes_the_auxiliary_lstm_and_its_decoder()
    {
        var plain = ModelFactory.Create(Spec("none", "one_hot", input: 10, hidden: 68) with { OutputSize = 9 }, Gen(1));
        var aux = ModelFactory.Create(Spec("reconstruct", "one_hot", input: 10, hidden: 68) with { OutputSize = 9 }, Gen(1));
        Assert.Equal(22_381, plain.ParameterCount);
        Assert.Equal(plain.ParameterCount + 4 * 68 * (10 + 68) + 8 * 68 + 10 * (68 + 1), aux.ParameterCount);
        var tokens = ModelFactory.Create(Spec("predict", "tokens", input: 4, hidden: 6, vocabulary: 50), Gen(1));
        var tokensPlain = ModelFactory.Create(Spec("none", "tokens", input: 4, hidden: 6, vocabulary: 50), Gen(1));
        Assert.Equal(tokensPlain.ParameterCount + 4 * 6 * (4 + 6) + 8 * 6 + 50 * (6 + 1), tokens.ParameterCount);
    }

    [Theory]
    [InlineData("reconstruct", "one_hot")]
    [InlineData("predict", "real")]
    public void Gradients_of_every_parameter_with_a_fixed_anchor_match_finite_differences(string aux, string kind)
    {
        var spec = Spec(aux, kind, length: 3, anchors: 1, input: 3, hidden: 4);
        var net = Model(spec, 21);
        net.Auxiliary!.FixedAnchors = Anchors(aux == "reconstruct" ? new long[,] { { 4, 2 } } : new long[,] { { 1, 2 } });
        var x = Input(kind, 6, 2, 3, 22);
        Tensor Objective() => net.Forward(x, null, Readout.AllSteps).Output.pow(2).sum() + net.RegularizationLoss()!;
        Objective().backward();
        FiniteDifferences.AssertEveryParameter(net, () => Objective().ToDouble(), $"lstm aux {aux}");
    }

    /// <summary>Copy K = 3, L = 5 with Adam (measured: 0.47 against 0.567 after 300 iterations, 0.41 after 400).</summary>
    [Fact]
    public void Lstm_with_reconstruction_goes_below_the_copy_baseline()
    {
        var config = TestRuns.Config(("task", "copy"), ("model", "lstm"), ("aux", "reconstruct"), ("aux_length", "6"), ("hidden_size", "32"),
            ("recall_length", "3"), ("delay_length", "5"), ("batch_size", "32"), ("iterations", "400"), ("optimizer", "adam"), ("rmsprop_lr", "1e-2"),
            ("log_every", "100"));
        TestRuns.TrainBelowBaseline(config, "lstm reconstruct");
    }

    [Fact]
    public void Reconstruction_of_a_single_input_and_aux_beside_another_model_are_refused()
    {
        Assert.Throws<Configuration.ConfigurationException>(() => Configuration.ModelSpecResolver.Check(
            TestRuns.TinyCopy("lstm", ("aux", "reconstruct"), ("aux_length", "1"))));
        Assert.Throws<Configuration.ConfigurationException>(() => Configuration.ModelSpecResolver.Check(TestRuns.TinyCopy("glstm", ("aux", "predict"))));
        Configuration.ModelSpecResolver.Check(TestRuns.TinyCopy("lstm", ("aux", "predict"), ("aux_length", "1")));
    }

    [Fact]
    public void Adding_run_with_prediction_trains_end_to_end()
    {
        var config = TestRuns.Config(("task", "adding"), ("model", "lstm"), ("aux", "predict"), ("aux_length", "4"), ("aux_truncate", "5"),
            ("aux_anchors", "2"), ("hidden_size", "8"), ("seq_length", "12"), ("batch_size", "16"), ("iterations", "30"), ("log_every", "10"));
        var result = TestRuns.Train(config, TestRuns.NewFolder());
        Assert.Equal("completed", result.Status);
        Assert.True(double.IsFinite(result.FinalLoss!.Value));
    }
}
