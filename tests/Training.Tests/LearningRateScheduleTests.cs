using System.Text.Json;
using AsRnnGrid.Training.Loop;
using AsRnnGrid.Training.Tasks;
using TorchSharp;

namespace AsRnnGrid.Training.Tests;

/// <summary>The learning-rate schedule is the task's: PTB halves both rates after an epoch without a better validation bpc (docs/models.md §6.1), the others keep them.</summary>
[Collection("Serial")]
public class LearningRateScheduleTests
{
    [Fact]
    public void Ptb_halves_after_an_epoch_without_improvement_and_the_other_tasks_keep_their_rates()
    {
        var ptb = TestRuns.Config(("task", "ptb"), ("hidden_size", "8"), ("emsize", "4"), ("data_dir", SmallPtbCorpus.Create()), ("a", "0.8"), ("b", "3"));
        using (var session = TaskSession.Create(ptb, torch.CPU, torch.ScalarType.Float32))
        {
            var evaluation = new EvaluationResult { ValidBpc = 3.5, TestBpc = 3.6 };
            Assert.Equal(0.5, session.LearningRateFactor(evaluation, improved: false));
            Assert.Equal(1, session.LearningRateFactor(evaluation, improved: true));
        }
        using var copy = TaskSession.Create(TestRuns.TinyCopy("asrnn"), torch.CPU, torch.ScalarType.Float32);
        Assert.Equal(1, copy.LearningRateFactor(new EvaluationResult(), improved: false));
    }

    /// <summary>In a real PTB run each epoch's logged rate is the previous one, halved exactly where the validation bpc did not improve.</summary>
    [Fact]
    public void A_ptb_runs_logged_rates_follow_its_validation_bpc()
    {
        var config = TestRuns.Config(("task", "ptb"), ("model", "lstm"), ("hidden_size", "8"), ("emsize", "4"), ("data_dir", SmallPtbCorpus.Create()),
            ("batch_size", "4"), ("eval_batch_size", "2"), ("bptt", "20"), ("epochs", "6"), ("rmsprop_lr", "3.0"), ("log_every", "50"));
        var folder = TestRuns.NewFolder();
        Assert.Equal("completed", TestRuns.Train(config, folder).Status);
        var evals = File.ReadAllLines(Path.Combine(folder, "metrics.jsonl")).Select(l => JsonSerializer.Deserialize<MetricsPoint>(l, MetricsJson.Options)!)
            .Where(p => p.Kind == "eval").ToList();
        Assert.Equal(6, evals.Count);
        double rate = config.RmspropLr, best = double.PositiveInfinity;
        foreach (var e in evals)
        {
            if (e.ValidBpc < best) best = e.ValidBpc!.Value;
            else rate *= 0.5;
            Assert.Equal(rate, e.LearningRate);
        }
        // The seed's run has an epoch without improvement (at a rate this high the validation bpc jumps about), so the test sees a halving.
        Assert.True(rate < config.RmspropLr, "no epoch without improvement: the schedule was not exercised; valid bpc " + string.Join(", ", evals.Select(e => e.ValidBpc)));
    }
}
