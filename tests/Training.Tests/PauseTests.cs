using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Training.Tests;

/// <summary>
/// A run told to pause (an early-stopping rung) checkpoints exactly there and ends "paused" with its log line there; continued
/// from that checkpoint it goes on as if it had never paused: on the CPU, metrics.jsonl and the parameters bit for bit.
/// </summary>
public class PauseTests
{
    static long[] CheckpointSteps(string folder) => new CheckpointStore(folder, 10).List()
        .Select(p => CheckpointFormat.Deserialize(File.ReadAllBytes(p))).Select(d => RunCheckpointMeta.Read(d).Step).Order().ToArray();

    [SkippableFact]
    public void A_copy_run_paused_at_two_rungs_and_sent_on_logs_what_the_uninterrupted_run_logs()
    {
        // checkpoint_every 1000: the only checkpoints are the pauses' own.
        var config = TestRuns.TinyCopy("lstm", ("log_every", "2"));
        var straight = TestRuns.NewFolder();
        Assert.Equal("completed", TestRuns.Train(config, straight).Status);
        var expected = TestRuns.MetricsWithoutTime(straight);

        var folder = TestRuns.NewFolder();
        var first = TestRuns.TrainUntil(config, folder, "4 iterations");
        Assert.Equal(("paused", 4L, "4 iterations"), (first.Status, first.Steps, first.PausedAt));
        Assert.Equal(4, first.PausePoint!.Step);
        Assert.Equal(File.ReadAllLines(Path.Combine(straight, "metrics.jsonl"))[1].Split("\"elapsed\"")[0],
            System.Text.Json.JsonSerializer.Serialize(first.PausePoint, MetricsJson.Options).Split("\"elapsed\"")[0]);
        Assert.Equal([4L], CheckpointSteps(folder));
        Assert.Equal(expected[..2], TestRuns.MetricsWithoutTime(folder));

        var second = TestRuns.TrainUntil(config, folder, "8 iterations");
        Assert.Equal(("paused", 8L), (second.Status, second.Steps));
        Assert.Equal(expected[..4], TestRuns.MetricsWithoutTime(folder));
        Assert.Equal(second.PausePoint!.Loss, System.Text.Json.JsonSerializer.Deserialize<MetricsPoint>(File.ReadAllLines(Path.Combine(straight, "metrics.jsonl"))[3])!.Loss);

        Assert.Equal("completed", TestRuns.TrainUntil(config, folder, null).Status);
        Assert.Equal(expected, TestRuns.MetricsWithoutTime(folder));
        Assert.Equal(TestRuns.FinalModelBytes(straight), TestRuns.FinalModelBytes(folder));
    }

    [SkippableFact]
    public void A_run_resumed_at_its_pause_point_pauses_again_at_once_with_the_same_line()
    {
        var config = TestRuns.TinyCopy("asrnn", ("log_every", "3"));
        var folder = TestRuns.NewFolder();
        var first = TestRuns.TrainUntil(config, folder, "6 iterations");
        var metrics = File.ReadAllBytes(Path.Combine(folder, "metrics.jsonl"));
        // As after a lost report: the same pause again.
        var again = TestRuns.TrainUntil(config, folder, "6 iterations");
        Assert.Equal(("paused", 6L), (again.Status, again.Steps));
        Assert.Equal(first.PausePoint, again.PausePoint);
        Assert.Equal(metrics, File.ReadAllBytes(Path.Combine(folder, "metrics.jsonl")));
        Assert.Equal([6L], CheckpointSteps(folder));
    }

    [SkippableFact]
    public void A_pmnist_run_pauses_at_an_epochs_end_with_its_evaluation_and_goes_on_exactly()
    {
        var config = TestRuns.Config(("task", "pmnist"), ("model", "lstm"), ("hidden_size", "4"), ("data_dir", MnistSubset.Folder),
            ("train_samples", "48"), ("test_samples", "40"), ("batch_size", "16"), ("eval_batch_size", "20"), ("epochs", "3"), ("log_every", "2"));
        var straight = TestRuns.NewFolder();
        TestRuns.Train(config, straight);
        var folder = TestRuns.NewFolder();
        var paused = TestRuns.TrainUntil(config, folder, "1 epoch");
        Assert.Equal(("paused", 3L, 1), (paused.Status, paused.Steps, paused.Epochs));
        Assert.Equal(("eval", 1), (paused.PausePoint!.Kind, paused.PausePoint.Epoch));
        Assert.NotNull(PointMetric.TestAccuracy.Of(paused.PausePoint));
        Assert.Equal("paused", TestRuns.TrainUntil(config, folder, "2 epochs").Status);
        Assert.Equal("completed", TestRuns.TrainUntil(config, folder, null).Status);
        Assert.Equal(TestRuns.MetricsWithoutTime(straight), TestRuns.MetricsWithoutTime(folder));
        Assert.Equal(TestRuns.FinalModelBytes(straight), TestRuns.FinalModelBytes(folder));
    }

    [SkippableTheory]
    [InlineData("5 iterations", "copy reports its metrics every log_every = 2 iterations: 5 iterations is not a multiple of it")]
    [InlineData("1 epoch", "copy has no epochs (it is measured in iterations): give it in iterations, not 1 epoch")]
    [InlineData("12 iterations", "12 iterations is not before the run's end (iterations: 12)")]
    public void A_pause_point_the_task_cannot_measure_at_is_refused_before_the_folder_is_made(string at, string problem)
    {
        var folder = Path.Combine(TestRuns.NewFolder(), "run");
        var e = Assert.Throws<ConfigurationException>(() => TestRuns.TrainUntil(TestRuns.TinyCopy("asrnn", ("log_every", "2")), folder, at));
        Assert.Equal($"{Path.GetFullPath(folder)}: cannot pause at {at}: {problem}", e.Message);
        Assert.False(Directory.Exists(folder));
    }
}
