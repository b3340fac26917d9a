using AsRnnGrid.Training.Tasks;

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
    public double IntervalLoss, IntervalGradNorm;
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
        IntervalGradNorm += s.GradNorm ?? 0;
        IntervalCorrect += s.Correct;
        IntervalCount += s.Count;
        IntervalBatches++;
        EpochLoss += s.Loss;
        EpochCorrect += s.Correct;
        EpochCount += s.Count;
        EpochBatches++;
    }

    public void ResetInterval() => (IntervalLoss, IntervalGradNorm, IntervalCorrect, IntervalCount, IntervalBatches) = (0, 0, 0, 0, 0);

    public void ResetEpoch()
    {
        (EpochLoss, EpochCorrect, EpochCount, EpochBatches) = (0, 0, 0, 0);
        ResetInterval();
    }

    public MetricsPoint TrainPoint(TaskSession task, double elapsed, LearningRates rates)
    {
        double loss = IntervalLoss / IntervalBatches;
        LastLoss = loss;
        double? accuracy = IntervalCount > 0 ? 100.0 * IntervalCorrect / IntervalCount : null;
        LastAccuracy = accuracy;
        double gradNorm = IntervalGradNorm / IntervalBatches;
        return new MetricsPoint
        {
            Kind = "train", Step = Step, Epoch = Epoch, Elapsed = elapsed, WallTime = MetricsPoint.WallTimeNow(),
            Loss = loss, Accuracy = accuracy,
            Bpc = task.BitsPerCharacter(loss),
            Baseline = task.Baseline,
            // JSON holds no infinity: an overflowing gradient leaves the field out (the loss says the rest).
            GradNorm = double.IsFinite(gradNorm) ? gradNorm : null,
            LearningRate = rates.Main, RecurrentLearningRate = rates.Recurrent,
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

    public MetricsPoint EpochPoint(TaskSession task, double elapsed, EvaluationResult? e, LearningRates rates)
    {
        double loss = EpochBatches > 0 ? EpochLoss / EpochBatches : double.NaN;
        LastLoss = loss;
        LastAccuracy = EpochCount > 0 ? 100.0 * EpochCorrect / EpochCount : null;
        return new MetricsPoint
        {
            Kind = "eval", Step = Step, Epoch = Epoch, Elapsed = elapsed, WallTime = MetricsPoint.WallTimeNow(),
            Loss = loss, Accuracy = LastAccuracy,
            Bpc = task.BitsPerCharacter(loss),
            TestLoss = e?.TestLoss, TestAccuracy = e?.TestAccuracy,
            ValidBpc = e?.ValidBpc, ValidAccuracy = e?.ValidAccuracy, TestBpc = e?.TestBpc,
            LearningRate = rates.Main, RecurrentLearningRate = rates.Recurrent,
        };
    }
}
