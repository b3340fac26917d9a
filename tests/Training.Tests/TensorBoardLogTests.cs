using System.Text.Json.Nodes;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Training.Tests;

/// <summary>A run's TensorBoard folder holds what its metrics.jsonl holds, also after a resume from an earlier checkpoint.</summary>
public class TensorBoardLogTests
{
    static TrainingRunOptions To(string tensorBoard) => new() { TensorBoard = tensorBoard };

    [Fact]
    public void A_run_writes_every_logged_value_with_its_step_and_wall_time_and_its_run_yaml()
    {
        var folder = TestRuns.NewFolder();
        var board = Path.Combine(TestRuns.NewFolder(), "copy", "asrnn seed=7");
        double before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.Equal("completed", TestRuns.Train(TestRuns.TinyCopy("asrnn"), folder, options: To(board)).Status);
        double after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

        var yaml = TensorBoardFiles.AssertMirrors(board, Path.Combine(folder, "metrics.jsonl"));
        Assert.Equal(File.ReadAllLines(Path.Combine(folder, RunYaml.FileName)).Where(l => l.Length > 0),
            yaml.Split('\n').Where(l => l.Trim().Length > 0).Select(l => l[4..]));
        var lines = File.ReadAllLines(Path.Combine(folder, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(12, lines.Count);
        Assert.All(lines, l => Assert.InRange((double)l["wall_time"]!, before, after));
        // Every train point has its gradient norm and both rates (asrnn trains a group at rmsprop_constr_lr).
        Assert.All(lines, l => Assert.True((double)l["grad_norm"]! > 0));
        Assert.All(lines, l => Assert.Equal(1e-2, (double)l["lr"]!));
        Assert.All(lines, l => Assert.Equal(1e-3, (double)l["lr_recurrent"]!));
        Assert.All(lines.Skip(1).SkipLast(1), l => Assert.True((double)l["iterations_per_second"]! > 0));
    }

    [Fact]
    public void A_model_without_a_recurrent_rate_logs_the_main_rate_only()
    {
        var folder = TestRuns.NewFolder();
        var board = Path.Combine(TestRuns.NewFolder(), "lstm");
        TestRuns.Train(TestRuns.TinyCopy("lstm"), folder, options: To(board));
        TensorBoardFiles.AssertMirrors(board, Path.Combine(folder, "metrics.jsonl"));
        Assert.All(File.ReadAllLines(Path.Combine(folder, "metrics.jsonl")), l => Assert.DoesNotContain("lr_recurrent", l));
    }

    /// <summary>
    /// As a kill leaves it: points logged after the newest checkpoint (here: the checkpoints after step 5 removed), a torn record
    /// at the end of the event file and an older event file beside it. The resumed run cuts metrics.jsonl back to step 5, and the
    /// event folder becomes one file holding the log as it now is: no point twice, none from the abandoned steps.
    /// </summary>
    [Fact]
    public void After_a_resume_from_an_earlier_checkpoint_the_events_are_the_log_again()
    {
        var config = TestRuns.TinyCopy("asrnn", ("checkpoint_every", "5"), ("keep_checkpoints", "10"));
        var folder = TestRuns.NewFolder();
        var board = Path.Combine(TestRuns.NewFolder(), "run");
        TestRuns.Train(config, folder, options: To(board));
        var store = new CheckpointStore(folder, 10);
        foreach (var later in store.List().Where(p => !p.EndsWith("step-0000000005.ckpt", StringComparison.Ordinal))) File.Delete(later);
        File.Delete(Path.Combine(folder, "result.json"));
        var events = TensorBoardFiles.SingleFile(board);
        Assert.Equal(12 + 2, TensorBoardFiles.Read(events).Count);
        File.AppendAllText(events, "torn");
        File.WriteAllBytes(Path.Combine(board, "events.out.tfevents.1.old-host.1"), File.ReadAllBytes(events));

        var result = TestRuns.Train(config, folder, options: To(board));

        Assert.Equal("completed", result.Status);
        TensorBoardFiles.AssertMirrors(board, Path.Combine(folder, "metrics.jsonl"));
        var steps = TensorBoardFiles.Read(TensorBoardFiles.SingleFile(board)).Skip(2).Select(e => e.Step).ToList();
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), steps);
        // The trajectory is the uninterrupted run's.
        var straight = TestRuns.NewFolder();
        TestRuns.Train(config, straight);
        Assert.Equal(TestRuns.MetricsWithoutTime(straight), TestRuns.MetricsWithoutTime(folder));
    }

    [Fact]
    public void A_folder_that_cannot_be_written_is_a_warning_and_the_run_goes_on()
    {
        var folder = TestRuns.NewFolder();
        var blocker = Path.Combine(TestRuns.NewFolder(), "file");
        File.WriteAllText(blocker, "not a folder");
        var warnings = new List<string>();
        var run = new TrainingRun(TestRuns.TinyCopy("rnn"), folder, new Warnings(warnings), To(Path.Combine(blocker, "board")));
        Assert.Equal("completed", run.Run(CancellationToken.None).Status);
        var warning = Assert.Single(warnings);
        Assert.StartsWith(Path.Combine(blocker, "board") + ": TensorBoard events not written", warning);
    }

    sealed class Warnings(List<string> into) : ITrainingObserver
    {
        public void Warning(string message) => into.Add(message);
    }
}
