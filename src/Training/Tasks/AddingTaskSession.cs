using System.Text.Json.Nodes;
using AsRnnGrid.Data;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tasks;

/// <summary>The adding task (spec §5.2): two channels per step, the sum of the two marked values read at the last step, MSE.</summary>
public sealed class AddingTaskSession : TaskSession
{
    readonly AddingTask _task;
    readonly Mt19937 _rng;

    public AddingTaskSession(RunConfig config, Device device, ScalarType dtype) : base(config, device, dtype)
    {
        _task = new AddingTask(config.SeqLength);
        _rng = new Mt19937((uint)config.RandomSeed);
    }

    public override TaskShape Shape => TaskShape.Nominal(Config);
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
