using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Training.Tests;

/// <summary>Real training on tiny problems: the models learn, a seed fixes the run, tensors do not pile up.</summary>
public class LearningTests
{
    [SkippableTheory]
    [InlineData("asrnn", 1000)]
    [InlineData("exprnn", 1000)]
    public void Copy_task_K3_L10_goes_below_the_baseline(string model, int iterations)
    {
        var config = TestRuns.Config(("task", "copy"), ("model", model), ("hidden_size", "32"), ("recall_length", "3"), ("delay_length", "10"),
            ("batch_size", "32"), ("iterations", iterations.ToString()), ("rmsprop_lr", "1e-2"), ("rmsprop_constr_lr", "1e-3"), ("log_every", "100"));
        var result = TestRuns.TrainBelowBaseline(config, model);
        Assert.Equal(3 * Math.Log(8) / 16, result.Baseline!.Value, 12);
    }

    /// <summary>
    /// LSTM plateaus just above the baseline on copy (measured: 0.396 against 0.390 after 3000 iterations at lr 3e-2),
    /// as the papers report; it does learn the blanks and starts on the digits.
    /// </summary>
    [SkippableFact]
    public void Lstm_learns_the_blanks_of_the_copy_task_and_starts_on_the_digits()
    {
        var config = TestRuns.Config(("task", "copy"), ("model", "lstm"), ("hidden_size", "32"), ("recall_length", "3"), ("delay_length", "10"),
            ("batch_size", "32"), ("iterations", "1500"), ("rmsprop_lr", "3e-2"), ("log_every", "100"));
        var result = TestRuns.Train(config, TestRuns.NewFolder());
        Assert.True(result.FinalLoss < 0.5, $"final loss {result.FinalLoss}");
        Assert.True(result.FinalAccuracy > 100.0 * 13 / 16, $"accuracy {result.FinalAccuracy}% is not above blank-only (81.25%)");
    }

    [SkippableFact]
    public void Small_pmnist_run_beats_chance()
    {
        var config = TestRuns.Config(("task", "pmnist"), ("model", "asrnn"), ("hidden_size", "16"), ("data_dir", MnistSubset.Folder),
            ("train_samples", "512"), ("test_samples", "400"), ("batch_size", "64"), ("epochs", "1"), ("rmsprop_lr", "1e-2"), ("rmsprop_constr_lr", "1e-3"));
        var folder = TestRuns.NewFolder();
        var result = TestRuns.Train(config, folder);
        Assert.Equal(8, result.Steps);
        Assert.True(result.BestTestAccuracy > 15, $"best test accuracy {result.BestTestAccuracy}% is not above chance (10%)");
        Assert.Contains("\"kind\":\"eval\"", File.ReadAllText(Path.Combine(folder, "metrics.jsonl")));
    }

    [SkippableFact]
    public void Two_runs_with_one_seed_write_identical_metrics_and_another_seed_differs()
    {
        var a = TestRuns.NewFolder();
        var b = TestRuns.NewFolder();
        var c = TestRuns.NewFolder();
        TestRuns.Train(TestRuns.TinyCopy("asrnn"), a);
        TestRuns.Train(TestRuns.TinyCopy("asrnn"), b);
        TestRuns.Train(TestRuns.TinyCopy("asrnn", ("random_seed", "8")), c);
        Assert.Equal(12, TestRuns.MetricsWithoutTime(a).Length);
        Assert.Equal(TestRuns.MetricsWithoutTime(a), TestRuns.MetricsWithoutTime(b));
        Assert.NotEqual(TestRuns.MetricsWithoutTime(a), TestRuns.MetricsWithoutTime(c));
    }

    [SkippableFact]
    public void Run_folder_holds_run_yaml_metrics_and_result()
    {
        var folder = TestRuns.NewFolder();
        TestRuns.Train(TestRuns.TinyCopy("scornn"), folder);
        var yaml = File.ReadAllText(Path.Combine(folder, "run.yaml"));
        Assert.Contains("hidden_size: 8", yaml);
        Assert.Contains("rho_rat_den: 2", yaml);
        Assert.Contains("model: \"scornn\"", yaml);
        var result = File.ReadAllText(Path.Combine(folder, "result.json"));
        Assert.Contains("\"status\": \"completed\"", result);
        Assert.Contains("\"steps\": 12", result);
    }

    [SkippableFact]
    public void Live_tensors_do_not_grow_over_iterations()
    {
        var counts = new List<long>();
        var observer = new CountingObserver(counts);
        var config = TestRuns.TinyCopy("dtriv", ("iterations", "40"), ("log_every", "5"));
        new TrainingRun(config, TestRuns.NewFolder(), observer).Run(CancellationToken.None);
        Assert.Equal(8, counts.Count);
        // After warm-up the number of live tensors on this thread stays flat.
        Assert.True(counts.Skip(2).Max() - counts.Skip(2).Min() <= 2, string.Join(", ", counts));
    }

    sealed class CountingObserver(List<long> counts) : ITrainingObserver
    {
        public void Logged(MetricsPoint point) => counts.Add(TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
