using System.Text.Json.Nodes;
using AsRnnGrid.Data;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tasks;

/// <summary>Sequential and permuted MNIST (docs/models.md §5.3, mnist.py): the four IDX files, judged by the best test accuracy over epochs.</summary>
public abstract class MnistKind : TaskKind
{
    public override bool IsEpochTask => true;

    /// <summary>True for pMNIST: the pixels in the order of permute_seed's permutation.</summary>
    public abstract bool Permuted { get; }

    public override RunConfig Defaults => new()
    {
        Task = this, HiddenSize = 122, BatchSize = 128, EvalBatchSize = 1000, Epochs = 70, Iterations = 1,
        RmspropLr = 7e-4, RmspropConstrLr = 7e-5, Alpha = 0.99, ClipNorm = 10,
        Init = "cayley", A = 0.02, B = 0.02, Eps = 1e-2, RhoRatDen = 10, LogEvery = 100,
    };

    public override TaskShape Shape(RunConfig c) => new(1, 10, 0, "default", "real", 784);

    public override DataFiles Data { get; } = new("MNIST", [MnistDataset.TrainImages, MnistDataset.TrainLabels, MnistDataset.TestImages, MnistDataset.TestLabels], GzipAllowed: true);

    public override TaskMetric Metric { get; } = new()
    {
        Name = "best test accuracy (%)", Key = "best_test_accuracy", FromResult = r => r.BestTestAccuracy,
        XLabel = "epochs", YLabel = "test accuracy (%)",
        Curve = p => p.Kind == "eval" && p.TestAccuracy is { } acc ? (p.Epoch, acc) : null,
        Decimals = 2, Rises = true,
    };

    public override IReadOnlyList<PointMetric> PauseMetrics { get; } = [PointMetric.Loss, PointMetric.Accuracy, PointMetric.TestLoss, PointMetric.TestAccuracy];
    public override PointMetric ReportPauseMetric => PointMetric.TestAccuracy;

    public override (double? Value, string? Name) Headline(MetricsPoint p) =>
        p.TestAccuracy is { } test ? (test, "test acc") : (p.Accuracy, p.Accuracy is null ? null : "acc");

    public override (double? Value, string? Name) Summary(RunResult r) =>
        r.BestTestAccuracy is { } best ? (best, "best test acc") : (r.FinalAccuracy, r.FinalAccuracy is null ? null : "acc");

    public override TaskSession CreateSession(RunConfig config, Device device, ScalarType dtype) => new MnistTaskSession(config, device, dtype, Permuted);
}

/// <summary>smnist: the pixels in reading order.</summary>
public sealed class SmnistKind : MnistKind
{
    public override string Name => "smnist";
    public override bool Permuted => false;
}

/// <summary>pmnist: the pixels permuted (numpy's RandomState(permute_seed).permutation(784)).</summary>
public sealed class PmnistKind : MnistKind
{
    public override string Name => "pmnist";
    public override bool Permuted => true;
}

/// <summary>
/// Sequential and permuted MNIST (docs/models.md §5.3): 784 steps of one pixel scaled to [0,1], the decoder read at the
/// last step, cross-entropy, best test accuracy over epochs (no validation split, as the reference).
/// The reference shuffles with an unseeded generator; here the epoch's order is drawn from random_seed so a seed fixes the run.
/// </summary>
public sealed class MnistTaskSession : TaskSession
{
    const int Steps = 784;
    readonly MnistDataset _data;
    readonly int[] _permutation;
    readonly Mt19937 _orderRng;
    readonly MnistSplit _train, _test;
    int[] _order = [];
    int _orderEpoch = -1;

    public MnistTaskSession(RunConfig config, Device device, ScalarType dtype, bool permuted) : base(config, device, dtype)
    {
        _data = MnistDataset.Load(config.DataDir);
        _permutation = PixelPermutation.Create(permuted ? (int)config.PermuteSeed : null);
        _train = Subset(_data.Train, config.TrainSamples);
        _test = Subset(_data.Test, config.TestSamples);
        _orderRng = new Mt19937((uint)config.RandomSeed);
    }

    public override TaskShape Shape => Config.Task.Shape(Config);
    public override int BatchesPerEpoch => (_train.Count + Config.BatchSize - 1) / Config.BatchSize;

    public override IEnumerable<string> Warnings => Config.BatchSize > _train.Count
        ? [$"batch_size {Config.BatchSize} is more than the {_train.Count} training images in {Config.DataDir}: every step trains on all of them (one step an epoch)"]
        : [];

    public override void BeginEpoch(int epoch)
    {
        if (_orderEpoch == epoch) return; // restored from a checkpoint taken inside this epoch
        _order = _orderRng.Permutation(_train.Count);
        _orderEpoch = epoch;
    }

    public override (Tensor Loss, BatchStatistics Stats) TrainingForward(SequenceModel model, int batchInEpoch)
    {
        int start = batchInEpoch * Config.BatchSize;
        int count = Math.Min(Config.BatchSize, _train.Count - start);
        var (input, labels) = Batch(_train, _order.AsSpan(start, count));
        return ClassificationStep(model, input, labels);
    }

    /// <summary>One batch of sequence classification read at the last step: loss and statistics.</summary>
    internal static (Tensor Loss, BatchStatistics Stats) ClassificationStep(SequenceModel model, Tensor input, Tensor labels)
    {
        var (output, _) = model.Forward(input, null, Readout.LastStep);
        var loss = nn.functional.cross_entropy(output, labels);
        long correct = output.argmax(1).eq(labels).sum().item<long>();
        long count = labels.shape[0];
        return (loss, new BatchStatistics(loss.ToDouble(), correct, count, count));
    }

    public override EvaluationResult Evaluate(SequenceModel model)
    {
        using var _ = torch.no_grad();
        var test = _test;
        double lossSum = 0;
        long correct = 0;
        int batches = 0;
        var indices = Enumerable.Range(0, test.Count).ToArray();
        for (int start = 0; start < test.Count; start += Config.EvalBatchSize)
        {
            using var scope = torch.NewDisposeScope();
            int count = Math.Min(Config.EvalBatchSize, test.Count - start);
            var (input, labels) = Batch(test, indices.AsSpan(start, count));
            var (output, _) = model.Forward(input, null, Readout.LastStep);
            // The reference reports the mean of the batch means.
            lossSum += nn.functional.cross_entropy(output, labels).ToDouble();
            correct += output.argmax(1).eq(labels).sum().item<long>();
            batches++;
        }
        return new EvaluationResult { TestLoss = lossSum / batches, TestAccuracy = 100.0 * correct / test.Count };
    }

    /// <summary>The first <paramref name="count"/> samples (0: all), for smoke tests and demos.</summary>
    static MnistSplit Subset(MnistSplit split, int count)
    {
        if (count <= 0 || count >= split.Count) return split;
        return new MnistSplit(count, split.Pixels[..(count * Steps)], split.Labels[..count]);
    }

    (Tensor Input, Tensor Labels) Batch(MnistSplit split, ReadOnlySpan<int> samples)
    {
        int b = samples.Length;
        var pixels = new float[Steps * b];
        var labels = new long[b];
        for (int i = 0; i < b; i++)
        {
            int offset = samples[i] * Steps;
            for (int t = 0; t < Steps; t++)
                pixels[t * b + i] = split.Pixels[offset + _permutation[t]] / 255f;
            labels[i] = split.Labels[samples[i]];
        }
        return (torch.tensor(pixels, new long[] { Steps, b, 1 }).to(DType).to(Device), torch.tensor(labels).to(Device));
    }

    public override JsonObject SaveState() => OrderState(_orderRng, _orderEpoch, _order);

    /// <summary>The task's checkpoint state: the order generator, the epoch whose order is drawn, the order (the benchmark writes the same).</summary>
    internal static JsonObject OrderState(Mt19937 rng, int orderEpoch, int[] order) => new()
    {
        ["rng"] = GeneratorState.Save(rng),
        ["order_epoch"] = orderEpoch,
        ["order"] = Convert.ToBase64String(order.SelectMany(BitConverter.GetBytes).ToArray()),
    };

    public override void LoadState(JsonObject state)
    {
        GeneratorState.Load(_orderRng, (string)state["rng"]!);
        _orderEpoch = (int)state["order_epoch"]!;
        var bytes = Convert.FromBase64String((string)state["order"]!);
        _order = new int[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, _order, 0, bytes.Length);
    }
}
