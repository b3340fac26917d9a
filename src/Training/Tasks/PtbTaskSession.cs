using System.Text.Json.Nodes;
using AsRnnGrid.Data;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using AsRnnGrid.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Tasks;

/// <summary>ptb (docs/models.md §5.4, pennchar.py): Mikolov's character files, judged by the test bpc of the epoch with the best validation bpc.</summary>
public sealed class PtbKind : TaskKind
{
    public override string Name => "ptb";
    public override bool IsEpochTask => true;

    public override RunConfig Defaults => new()
    {
        Task = this, HiddenSize = 1024, BatchSize = 128, EvalBatchSize = 10, Epochs = 100, Iterations = 1,
        RmspropLr = 1e-3, RmspropConstrLr = 1e-4, Alpha = 0.99, ClipNorm = -1,
        Init = "cayley", A = 0.8, B = 3, Eps = 0, RhoRatDen = 10, Emsize = 200, Bptt = 150, LogEvery = 32,
    };

    public override TaskShape Shape(RunConfig c) => new(c.Emsize, TaskShape.PtbVocabulary, TaskShape.PtbVocabulary, "uniform", "tokens", c.Bptt);

    public override DataFiles Data { get; } = new("PTB", [PtbCorpus.TrainFile, PtbCorpus.ValidFile, PtbCorpus.TestFile], GzipAllowed: false);

    public override TaskMetric Metric { get; } = new()
    {
        Name = "test bpc (bits per character)", Key = "test_bpc", FromResult = r => r.TestBpc,
        XLabel = "epochs", YLabel = "test bits per character (bits)",
        Curve = p => p.Kind == "eval" && p.TestBpc is { } bpc ? (p.Epoch, bpc) : null,
        Decimals = 3,
    };

    public override IReadOnlyList<PointMetric> PauseMetrics { get; } =
        [PointMetric.Loss, PointMetric.Accuracy, PointMetric.Bpc, PointMetric.ValidBpc, PointMetric.ValidAccuracy, PointMetric.TestBpc];
    public override PointMetric ReportPauseMetric => PointMetric.TestBpc;

    public override (double? Value, string? Name) Headline(MetricsPoint p) =>
        p.ValidBpc is { } valid ? (valid, "valid bpc") : p.Accuracy is { } acc ? (acc, "acc") : (p.Bpc, p.Bpc is null ? null : "bpc");

    public override (double? Value, string? Name) Summary(RunResult r) =>
        r.TestBpc is { } bpc ? (bpc, "test bpc") : (r.FinalAccuracy, r.FinalAccuracy is null ? null : "acc");

    public override TaskSession CreateSession(RunConfig config, Device device, ScalarType dtype) => new PtbTaskSession(config, device, dtype);
}

/// <summary>
/// Penn Treebank characters (docs/models.md §5.4): the train stream batchified into batch_size columns, BPTT windows,
/// the state zeroed at each epoch's start and carried (detached) across windows; valid and test evaluated
/// with eval_batch_size columns. bpc = loss / ln 2; evaluation divides by the rows n as the reference does.
/// </summary>
public sealed class PtbTaskSession : TaskSession
{
    readonly PtbCorpus _corpus;
    readonly Tensor _train, _valid, _test;
    readonly BpttWindow[] _windows;
    RecurrentState? _carried;

    public PtbTaskSession(RunConfig config, Device device, ScalarType dtype) : base(config, device, dtype)
    {
        _corpus = PtbCorpus.Load(config.DataDir);
        _train = Columns(_corpus.Train, config.BatchSize, PtbCorpus.TrainFile, "batch_size");
        _valid = Columns(_corpus.Valid, config.EvalBatchSize, PtbCorpus.ValidFile, "eval_batch_size");
        _test = Columns(_corpus.Test, config.EvalBatchSize, PtbCorpus.TestFile, "eval_batch_size");
        _windows = TokenBatching.BpttWindows((int)_train.shape[0], config.Bptt).ToArray();
    }

    Tensor Columns(int[] ids, int batch, string file, string option)
    {
        // A split of fewer rows than two has no BPTT window (a window needs an input row and the target row after it).
        if (ids.Length / batch < 2)
            throw new DataFileException(Path.Combine(Config.DataDir, file),
                $"{ids.Length} tokens (characters and line ends) are too few for {option} {batch}: the split is cut into {batch} columns of at least 2 tokens for one BPTT window, {2 * batch} tokens in all");
        var data = TokenBatching.Batchify(ids, batch);
        int rows = data.Length / batch;
        // The CPU copy is disposed at once: the training split alone is tens of MB the GC would otherwise hold.
        using var host = torch.tensor(data.Select(x => (long)x).ToArray(), new long[] { rows, batch });
        return host.to(Device, copy: true).DetachFromDisposeScope();
    }

    public override TaskShape Shape => Config.Task.Shape(Config) with { OutputSize = _corpus.Vocabulary.Count, VocabularySize = _corpus.Vocabulary.Count };
    public override int BatchesPerEpoch => _windows.Length;

    public override void BeginEpoch(int epoch)
    {
        _carried?.Dispose();
        _carried = null;
    }

    public override (Tensor Loss, BatchStatistics Stats) TrainingForward(SequenceModel model, int batchInEpoch)
    {
        var (start, length) = _windows[batchInEpoch];
        var input = _train.narrow(0, start, length);
        var target = _train.narrow(0, start + 1, length).reshape(-1);
        (var loss, var stats, _pending) = LanguageModelStep(model, input, target, _carried);
        return (loss, stats);
    }

    /// <summary>One BPTT window of character prediction from the carried state: loss, statistics and the next state (detached).</summary>
    internal static (Tensor Loss, BatchStatistics Stats, RecurrentState Next) LanguageModelStep(
        SequenceModel model, Tensor input, Tensor target, RecurrentState? carried)
    {
        var (output, state) = model.Forward(input, carried, Readout.AllSteps);
        var logits = output.reshape(-1, output.shape[2]);
        var loss = nn.functional.cross_entropy(logits, target);
        long correct = logits.argmax(1).eq(target).sum().item<long>();
        return (loss, new BatchStatistics(loss.ToDouble(), correct, target.shape[0], target.shape[0]), state.Detach());
    }

    RecurrentState? _pending;

    public override void AfterStep()
    {
        _carried?.Dispose();
        _carried = _pending!.MoveToOuterScope();
        _pending = null;
    }

    public override EvaluationResult Evaluate(SequenceModel model)
    {
        var (validBpc, validAccuracy) = EvaluateSplit(model, _valid);
        var (testBpc, _) = EvaluateSplit(model, _test);
        return new EvaluationResult { ValidBpc = validBpc, ValidAccuracy = validAccuracy, TestBpc = testBpc };
    }

    public override double? BitsPerCharacter(double loss) => loss / Math.Log(2);

    /// <summary>docs/models.md §6.1: after an epoch without a better validation bpc, both groups' learning rates are halved.</summary>
    public override double LearningRateFactor(EvaluationResult evaluation, bool improved) => evaluation.ValidBpc is not null && !improved ? 0.5 : 1;

    (double Bpc, double Accuracy) EvaluateSplit(SequenceModel model, Tensor data)
    {
        using var _ = torch.no_grad();
        int rows = (int)data.shape[0];
        double total = 0;
        long correct = 0, count = 0;
        RecurrentState? state = null;
        foreach (var (start, length) in TokenBatching.BpttWindows(rows, Config.Bptt))
        {
            using var scope = torch.NewDisposeScope();
            var input = data.narrow(0, start, length);
            var target = data.narrow(0, start + 1, length).reshape(-1);
            var (output, next) = model.Forward(input, state, Readout.AllSteps);
            var logits = output.reshape(-1, output.shape[2]);
            total += length * nn.functional.cross_entropy(logits, target).ToDouble();
            correct += logits.argmax(1).eq(target).sum().item<long>();
            count += target.shape[0];
            state?.Dispose();
            state = next.Detach().MoveToOuterScope();
        }
        state?.Dispose();
        return (total / rows / Math.Log(2), 100.0 * correct / count);
    }

    public override JsonObject SaveState() => new() { ["carried"] = _carried is not null };

    public override void LoadState(JsonObject state) { }

    public override IReadOnlyDictionary<string, Tensor> SaveTensors() => RecurrentState.ToTensors(_carried);

    public override void LoadTensors(IReadOnlyDictionary<string, Tensor> tensors)
    {
        var parts = tensors.Where(kv => kv.Key.StartsWith("carried.")).OrderBy(kv => int.Parse(kv.Key["carried.".Length..]))
            .Select(kv => kv.Value.to(Device).DetachFromDisposeScope()).ToArray();
        _carried = parts.Length > 0 ? new RecurrentState(parts) : null;
    }

    public override void Dispose()
    {
        _carried?.Dispose();
        _train.Dispose();
        _valid.Dispose();
        _test.Dispose();
    }
}
