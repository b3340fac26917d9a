using System.Text.Json.Nodes;
using AsRnnGrid.Data;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tasks;

/// <summary>copy (docs/models.md §5.1, copytask.py): generated batches, judged by the final cross-entropy beside its baseline; asRNN runs dtriv.</summary>
public sealed class CopyKind : TaskKind
{
    public override string Name => "copy";
    public override bool IsEpochTask => false;
    public override string AsRnnMode => "dtriv";

    public override RunConfig Defaults => new()
    {
        Task = this, HiddenSize = 138, BatchSize = 128, Iterations = 4000, Epochs = 1,
        RmspropLr = 2e-4, RmspropConstrLr = 2e-5, Alpha = 0.9, ClipNorm = 10,
        Init = "henaff", A = 0, B = 0, Eps = 1e-5, RhoRatDen = 2, K = "100", M = 100,
        RecallLength = 10, DelayLength = 1000, LogEvery = 10,
    };

    public override TaskShape Shape(RunConfig c) => new(10, 9, 0, "kaiming", "one_hot", c.DelayLength + 2 * c.RecallLength);

    public override TaskMetric Metric { get; } = new()
    {
        Name = "final cross-entropy (nats)", Key = "final_loss", FromResult = r => r.FinalLoss, HasBaseline = true,
        XLabel = "iterations", YLabel = "training cross-entropy (nats)",
        Curve = p => p.Kind == "train" && p.Loss is { } loss ? (p.Step, loss) : null,
        Decimals = 5,
    };

    public override IReadOnlyList<PointMetric> PauseMetrics { get; } = [PointMetric.Loss, PointMetric.Accuracy];
    public override PointMetric ReportPauseMetric => PointMetric.Loss;

    public override (double? Value, string? Name) Headline(MetricsPoint p) => (p.Accuracy, p.Accuracy is null ? null : "acc");

    public override (double? Value, string? Name) Summary(RunResult r) => (r.FinalAccuracy, r.FinalAccuracy is null ? null : "acc");

    public override void Check(RunConfig c)
    {
        if (c.DelayLength < 1) throw new ConfigurationException("delay_length must be at least 1 on the copy task");
    }

    public override TaskSession CreateSession(RunConfig config, Device device, ScalarType dtype) => new CopyTaskSession(config, device, dtype);
}

/// <summary>
/// Copying memory (docs/models.md §5.1): a fresh batch every iteration from an MT19937 seeded with random_seed
/// (the reference hard-codes 5544, our default), one-hot inputs of 10 symbols, 9 output classes,
/// mean cross-entropy over every position.
/// </summary>
public sealed class CopyTaskSession : TaskSession
{
    readonly CopyMemoryTask _task;
    readonly Mt19937 _rng;

    public CopyTaskSession(RunConfig config, Device device, ScalarType dtype) : base(config, device, dtype)
    {
        _task = new CopyMemoryTask(config.RecallLength, config.DelayLength, config.CopyRecallOffset);
        _rng = new Mt19937((uint)config.RandomSeed);
    }

    public override TaskShape Shape => Config.Task.Shape(Config);
    public override int BatchesPerEpoch => 0;
    public override double? Baseline => _task.BaselineLoss;

    public override (Tensor Loss, BatchStatistics Stats) TrainingForward(SequenceModel model, int batchInEpoch)
    {
        var batch = _task.NextBatch(_rng, Config.BatchSize);
        int b = batch.BatchSize, n = batch.Length;
        var input = OneHotTimeMajor(batch.Inputs, b, n, 10);
        var target = TimeMajor(batch.Targets, b, n);
        var (output, _) = model.Forward(input, null, Readout.AllSteps);
        var logits = output.reshape(n * b, 9);
        var flat = target.reshape(n * b);
        var loss = nn.functional.cross_entropy(logits, flat);
        long correct = logits.argmax(1).eq(flat).sum().item<long>();
        return (loss, new BatchStatistics(loss.ToDouble(), correct, n * b, n * b));
    }

    Tensor OneHotTimeMajor(int[] symbols, int b, int n, int classes)
    {
        var data = new float[n * b * classes];
        for (int i = 0; i < b; i++)
            for (int t = 0; t < n; t++)
                data[((t * b) + i) * classes + symbols[i * n + t]] = 1f;
        return torch.tensor(data, new long[] { n, b, classes }).to(DType).to(Device);
    }

    Tensor TimeMajor(int[] values, int b, int n)
    {
        var data = new long[n * b];
        for (int i = 0; i < b; i++)
            for (int t = 0; t < n; t++)
                data[t * b + i] = values[i * n + t];
        return torch.tensor(data, new long[] { n, b }).to(Device);
    }

    public override JsonObject SaveState() => new() { ["rng"] = GeneratorState.Save(_rng) };

    public override void LoadState(JsonObject state) => GeneratorState.Load(_rng, (string)state["rng"]!);
}
