using System.Text.Json.Nodes;
using AsRnnGrid.Data;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tasks;

/// <summary>
/// adding (docs/models.md §5.2; not in the reference): generated batches, judged by the final MSE beside its baseline. Its defaults are
/// the scoRNN script's (T = 200, batch 50) with MNIST's asRNN saturation and learning rates, and Henaff initialisation
/// (chosen here, docs/models.md §5.2 is silent).
/// </summary>
public sealed class AddingKind : TaskKind
{
    public override string Name => "adding";
    public override bool IsEpochTask => false;

    public override RunConfig Defaults => new()
    {
        Task = this, HiddenSize = 128, BatchSize = 50, Iterations = 4000, Epochs = 1,
        RmspropLr = 1e-3, RmspropConstrLr = 1e-4, Alpha = 0.9, ClipNorm = 10,
        Init = "henaff", A = 0.02, B = 0.02, Eps = 1e-2, RhoRatDen = 2, SeqLength = 200, LogEvery = 10,
    };

    public override TaskShape Shape(RunConfig c) => new(2, 1, 0, "default", "real", c.SeqLength);

    public override TaskMetric Metric { get; } = new()
    {
        Name = "final MSE", Key = "final_loss", FromResult = r => r.FinalLoss, HasBaseline = true,
        XLabel = "iterations", YLabel = "training mean squared error",
        Curve = p => p.Kind == "train" && p.Loss is { } loss ? (p.Step, loss) : null,
        Decimals = 5,
    };

    public override IReadOnlyList<PointMetric> PauseMetrics { get; } = [PointMetric.Loss];
    public override PointMetric ReportPauseMetric => PointMetric.Loss;

    // A regression: no accuracy to show; the loss is shown beside.
    public override (double? Value, string? Name) Headline(MetricsPoint p) => (null, null);

    public override (double? Value, string? Name) Summary(RunResult r) => (null, null);

    public override TaskSession CreateSession(RunConfig config, Device device, ScalarType dtype) => new AddingTaskSession(config, device, dtype);
}

/// <summary>The adding task (docs/models.md §5.2): two channels per step, the sum of the two marked values read at the last step, MSE.</summary>
public sealed class AddingTaskSession : TaskSession
{
    readonly AddingTask _task;
    readonly Mt19937 _rng;

    public AddingTaskSession(RunConfig config, Device device, ScalarType dtype) : base(config, device, dtype)
    {
        _task = new AddingTask(config.SeqLength);
        _rng = new Mt19937((uint)config.RandomSeed);
    }

    public override TaskShape Shape => Config.Task.Shape(Config);
    public override int BatchesPerEpoch => 0;
    public override double? Baseline => 1.0 / 6.0;

    public override (Tensor Loss, BatchStatistics Stats) TrainingForward(SequenceModel model, int batchInEpoch)
    {
        var batch = _task.NextBatch(_rng, Config.BatchSize);
        int b = Config.BatchSize, n = Config.SeqLength;
        var data = new float[n * b * 2];
        for (int i = 0; i < b; i++)
            for (int t = 0; t < n; t++)
            {
                data[(t * b + i) * 2] = batch.Inputs[(i * n + t) * 2];
                data[(t * b + i) * 2 + 1] = batch.Inputs[(i * n + t) * 2 + 1];
            }
        var input = torch.tensor(data, new long[] { n, b, 2 }).to(DType).to(Device);
        var target = torch.tensor(batch.Targets, new long[] { b, 1 }).to(DType).to(Device);
        var (output, _) = model.Forward(input, null, Readout.LastStep);
        var loss = nn.functional.mse_loss(output, target);
        return (loss, new BatchStatistics(loss.ToDouble(), 0, 0, b));
    }

    public override JsonObject SaveState() => new() { ["rng"] = GeneratorState.Save(_rng) };

    public override void LoadState(JsonObject state) => GeneratorState.Load(_rng, (string)state["rng"]!);
}
