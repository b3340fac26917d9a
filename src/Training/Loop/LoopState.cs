using System.Text.Json.Nodes;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Tasks;
using TorchSharp.Modules;

namespace AsRnnGrid.Training.Loop;

/// <summary>
/// The loop's position and running sums: everything besides the model, the optimiser and the task's generators
/// that the next iteration depends on. Saved in each checkpoint so that a resumed run logs exactly what an uninterrupted one would.
/// </summary>
internal sealed class LoopState
{
    public long Step;
    public int Epoch;
    public int BatchInEpoch;
    public int BegunEpoch = -1;
    public double Elapsed;
    public long MetricsLength;

    // Since the last log point.
    public double IntervalLoss;
    public long IntervalCorrect, IntervalCount;
    public int IntervalBatches;
    // Since the epoch's start.
    public double EpochLoss;
    public long EpochCorrect, EpochCount;
    public int EpochBatches;

    public double? LastLoss, LastAccuracy, LastTestAccuracy, BestTestAccuracy, BestValidBpc, TestBpcAtBestValid, LastTestBpc;
    public bool ImprovedThisEpoch;

    public void Accumulate(BatchStatistics s)
    {
        IntervalLoss += s.Loss;
        IntervalCorrect += s.Correct;
        IntervalCount += s.Count;
        IntervalBatches++;
        EpochLoss += s.Loss;
        EpochCorrect += s.Correct;
        EpochCount += s.Count;
        EpochBatches++;
    }

    public void ResetInterval() => (IntervalLoss, IntervalCorrect, IntervalCount, IntervalBatches) = (0, 0, 0, 0);

    public void ResetEpoch()
    {
        (EpochLoss, EpochCorrect, EpochCount, EpochBatches) = (0, 0, 0, 0);
        ResetInterval();
    }

    public MetricsPoint TrainPoint(RunConfig config, TaskSession task, double elapsed, OptimizerHelper optimizer)
    {
        double loss = IntervalLoss / IntervalBatches;
        LastLoss = loss;
        double? accuracy = IntervalCount > 0 ? 100.0 * IntervalCorrect / IntervalCount : null;
        LastAccuracy = accuracy;
        return new MetricsPoint
        {
            Kind = "train", Step = Step, Epoch = Epoch, Elapsed = elapsed,
            Loss = loss, Accuracy = accuracy,
            Bpc = config.Task == "ptb" ? loss / Math.Log(2) : null,
            Baseline = task.Baseline,
        };
    }

    public void RecordEvaluation(EvaluationResult e)
    {
        ImprovedThisEpoch = false;
        if (e.TestAccuracy is { } acc)
        {
            LastTestAccuracy = acc;
            if (BestTestAccuracy is null || acc > BestTestAccuracy) BestTestAccuracy = acc;
        }
        if (e.ValidBpc is { } valid)
        {
            LastTestBpc = e.TestBpc;
            if (BestValidBpc is null || valid < BestValidBpc)
            {
                BestValidBpc = valid;
                TestBpcAtBestValid = e.TestBpc;
                ImprovedThisEpoch = true;
            }
        }
    }

    public MetricsPoint EpochPoint(RunConfig config, double elapsed, EvaluationResult? e, OptimizerHelper optimizer)
    {
        double loss = EpochBatches > 0 ? EpochLoss / EpochBatches : double.NaN;
        LastLoss = loss;
        LastAccuracy = EpochCount > 0 ? 100.0 * EpochCorrect / EpochCount : null;
        return new MetricsPoint
        {
            Kind = "eval", Step = Step, Epoch = Epoch, Elapsed = elapsed,
            Loss = loss, Accuracy = LastAccuracy,
            Bpc = config.Task == "ptb" ? loss / Math.Log(2) : null,
            TestLoss = e?.TestLoss, TestAccuracy = e?.TestAccuracy,
            ValidBpc = e?.ValidBpc, ValidAccuracy = e?.ValidAccuracy, TestBpc = e?.TestBpc,
            LearningRate = optimizer.ParamGroups.First().LearningRate,
        };
    }

    public void WriteTo(JsonObject meta)
    {
        meta["position"] = new JsonObject
        {
            ["step"] = Step, ["epoch"] = Epoch, ["batch_in_epoch"] = BatchInEpoch, ["begun_epoch"] = BegunEpoch,
            ["elapsed"] = Elapsed, ["metrics_length"] = MetricsLength,
        };
        meta["sums"] = new JsonObject
        {
            ["interval_loss"] = IntervalLoss, ["interval_correct"] = IntervalCorrect, ["interval_count"] = IntervalCount,
            ["interval_batches"] = IntervalBatches, ["epoch_loss"] = EpochLoss, ["epoch_correct"] = EpochCorrect,
            ["epoch_count"] = EpochCount, ["epoch_batches"] = EpochBatches,
        };
        meta["best"] = new JsonObject
        {
            ["last_loss"] = LastLoss, ["last_accuracy"] = LastAccuracy, ["last_test_accuracy"] = LastTestAccuracy,
            ["best_test_accuracy"] = BestTestAccuracy, ["best_valid_bpc"] = BestValidBpc,
            ["test_bpc_at_best_valid"] = TestBpcAtBestValid, ["last_test_bpc"] = LastTestBpc,
            ["improved_this_epoch"] = ImprovedThisEpoch,
        };
    }

    public void ReadFrom(JsonObject meta)
    {
        var p = meta["position"]!;
        Step = (long)p["step"]!;
        Epoch = (int)p["epoch"]!;
        BatchInEpoch = (int)p["batch_in_epoch"]!;
        BegunEpoch = (int)p["begun_epoch"]!;
        Elapsed = (double)p["elapsed"]!;
        MetricsLength = (long)p["metrics_length"]!;
        var s = meta["sums"]!;
        IntervalLoss = (double)s["interval_loss"]!;
        IntervalCorrect = (long)s["interval_correct"]!;
        IntervalCount = (long)s["interval_count"]!;
        IntervalBatches = (int)s["interval_batches"]!;
        EpochLoss = (double)s["epoch_loss"]!;
        EpochCorrect = (long)s["epoch_correct"]!;
        EpochCount = (long)s["epoch_count"]!;
        EpochBatches = (int)s["epoch_batches"]!;
        var b = meta["best"]!;
        LastLoss = (double?)b["last_loss"];
        LastAccuracy = (double?)b["last_accuracy"];
        LastTestAccuracy = (double?)b["last_test_accuracy"];
        BestTestAccuracy = (double?)b["best_test_accuracy"];
        BestValidBpc = (double?)b["best_valid_bpc"];
        TestBpcAtBestValid = (double?)b["test_bpc_at_best_valid"];
        LastTestBpc = (double?)b["last_test_bpc"];
        ImprovedThisEpoch = (bool)b["improved_this_epoch"]!;
    }
}
