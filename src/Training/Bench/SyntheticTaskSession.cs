using System.Text.Json.Nodes;
using AsRnnGrid.Data;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Bench;

/// <summary>
/// pMNIST or PTB shapes with random data, so that the benchmark needs no data files: the same loss, readout,
/// host-to-device copy per batch and carried state (PTB) as the real sessions, and a checkpoint state of the same
/// size (MNIST's 60000-sample order; PTB's carried hidden state).
/// </summary>
public sealed class SyntheticTaskSession : TaskSession
{
    const int MnistTrainSamples = 60_000;
    const int PtbVocabulary = TaskShape.PtbVocabulary;
    readonly int _steps;
    readonly Generator _generator;
    readonly Mt19937 _orderRng;
    readonly int[] _order;
    RecurrentState? _carried, _pending;

    public SyntheticTaskSession(RunConfig config, Device device, ScalarType dtype, int steps) : base(config, device, dtype)
    {
        if (config.Task is not (MnistKind or PtbKind))
            throw new ArgumentException($"synthetic data is offered for pmnist and ptb shapes, not {config.Task}");
        _steps = steps;
        _generator = new Generator((ulong)config.RandomSeed, torch.CPU);
        _orderRng = new Mt19937((uint)config.RandomSeed);
        _order = config.Task is PtbKind ? [] : _orderRng.Permutation(MnistTrainSamples);
    }

    bool Ptb => Config.Task is PtbKind;

    public override TaskShape Shape => TaskShape.Nominal(Config) with { SequenceLength = _steps };

    public override int BatchesPerEpoch => int.MaxValue;

    public override (Tensor Loss, BatchStatistics Stats) TrainingForward(SequenceModel model, int batchInEpoch)
    {
        int b = Config.BatchSize;
        if (Ptb)
        {
            var tokens = torch.randint(PtbVocabulary, [_steps + 1, b], ScalarType.Int64, generator: _generator).to(Device);
            var input = tokens.narrow(0, 0, _steps);
            var target = tokens.narrow(0, 1, _steps).reshape(-1);
            (var loss, var stats, _pending) = PtbTaskSession.LanguageModelStep(model, input, target, _carried);
            return (loss, stats);
        }
        else
        {
            var input = torch.rand([_steps, b, 1], ScalarType.Float32, generator: _generator).to(DType).to(Device);
            var labels = torch.randint(10, [b], ScalarType.Int64, generator: _generator).to(Device);
            return MnistTaskSession.ClassificationStep(model, input, labels);
        }
    }

    public override void AfterStep()
    {
        if (_pending is null) return;
        _carried?.Dispose();
        _carried = _pending.MoveToOuterScope();
        _pending = null;
    }

    public override JsonObject SaveState() => Ptb
        ? new JsonObject { ["carried"] = _carried is not null }
        : MnistTaskSession.OrderState(_orderRng, 0, _order);

    public override void LoadState(JsonObject state) { }

    public override IReadOnlyDictionary<string, Tensor> SaveTensors() => RecurrentState.ToTensors(_carried);

    public override void Dispose()
    {
        _carried?.Dispose();
        _generator.Dispose();
    }
}
