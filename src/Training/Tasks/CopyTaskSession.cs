using System.Text.Json.Nodes;
using AsRnnGrid.Data;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tasks;

/// <summary>
/// Copying memory (spec §5.1): a fresh batch every iteration from an MT19937 seeded with random_seed
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

    public override TaskShape Shape => TaskShape.Nominal(Config);
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
