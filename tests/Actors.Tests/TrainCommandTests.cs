using System.Diagnostics;
using System.Text.Json.Nodes;

namespace AsRnnGrid.Actors.Tests;

public class TrainCommandTests
{
    static readonly string[] Tiny = ["train", "--task", "copy", "--model", "asrnn", "--hidden_size", "8", "--recall_length", "3",
        "--delay_length", "5", "--batch_size", "8", "--log_every", "1", "--random_seed", "11"];

    static string NewFolder() => Directory.CreateTempSubdirectory("asrnn-cli-").FullName;

    [SkippableTheory]
    [InlineData("--hiden_size", "8", "unknown option '--hiden_size' for 'train' (did you mean '--hidden_size'?)")]
    [InlineData("--hidden_size", "abc", "hidden_size: 'abc' is not an integer")]
    [InlineData("--hidden_size", "0", "hidden_size: 0 is out of range")]
    [InlineData("--model", "lstn", "model: 'lstn' is not one of asrnn, exprnn, dtriv, scornn, rnn, lstm, gru, glstm, nnrnn, enrnn, nru (did you mean 'lstm'?)")]
    [InlineData("--nonlinear", "tanh", "nonlinear tanh is offered for model rnn only")]
    public void Bad_options_get_one_line_and_exit_code_2(string option, string value, string expected)
    {
        var (exit, _, err) = CliProcess.Run("train", "--task", "copy", option, value, "--out", NewFolder());
        Assert.Equal(2, exit);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
    }

    [SkippableFact]
    public void Missing_mnist_files_are_named_in_one_line()
    {
        var empty = NewFolder();
        var (exit, _, err) = CliProcess.Run("train", "--task", "smnist", "--data_dir", empty, "--out", NewFolder());
        Assert.Equal(2, exit);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("train-images-idx3-ubyte", line);
        Assert.Contains(empty, line);
    }

    [SkippableFact]
    public void A_batch_larger_than_the_training_set_trains_with_a_warning()
    {
        var (exit, _, err) = CliProcess.Run("train", "--task", "smnist", "--data_dir", MnistSubset.Folder, "--train_samples", "40",
            "--test_samples", "10", "--batch_size", "64", "--hidden_size", "4", "--epochs", "1", "--out", NewFolder());
        Assert.True(exit == 0, err);
        Assert.Equal($"warning: batch_size 64 is more than the 40 training images in {MnistSubset.Folder}: every step trains on all of them (one step an epoch)", err.Trim());
    }

    [SkippableFact]
    public void Json_progress_reports_logs_checkpoints_and_the_result()
    {
        var folder = NewFolder();
        var (exit, stdout, _) = CliProcess.Run([.. Tiny, "--iterations", "6", "--checkpoint_every", "3", "--progress", "json", "--out", folder]);
        Assert.Equal(0, exit);
        var events = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal("started", (string)events[0]["event"]!);
        Assert.Equal(6, events.Count(e => (string)e["event"]! == "log"));
        Assert.Contains(events, e => (string)e["event"]! == "checkpoint" && (long)e["step"]! == 3);
        Assert.Equal("completed", (string)events[^1]["status"]!);
    }

    /// <summary>A real train process killed with SIGKILL at a random moment and started again ends where an uninterrupted one ends.</summary>
    [SkippableFact]
    public void Killed_train_process_resumes_to_the_same_trajectory()
    {
        string[] args = [.. Tiny, "--iterations", "400", "--checkpoint_every", "25"];
        var straight = NewFolder();
        Assert.Equal(0, CliProcess.Run([.. args, "--out", straight]).Exit);

        var killed = NewFolder();
        using (var p = CliProcess.Start([.. args, "--out", killed]))
        {
            var checkpoints = Path.Combine(killed, "checkpoints");
            var clock = Stopwatch.StartNew();
            while (!(Directory.Exists(checkpoints) && Directory.GetFiles(checkpoints, "*.ckpt").Length > 0) && clock.Elapsed.TotalSeconds < 60)
                Thread.Sleep(20);
            Thread.Sleep(Random.Shared.Next(0, 300));
            p.Kill(); // SIGKILL
            p.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(killed, "result.json")) && File.ReadAllText(Path.Combine(killed, "result.json")).Contains("completed"),
            "the run finished before it was killed; the test proves nothing");
        var (exit, stdout, _) = CliProcess.Run([.. args, "--out", killed]);
        Assert.Equal(0, exit);
        Assert.Contains("resumed from step", stdout);
        Assert.Equal(WithoutTime(straight), WithoutTime(killed));
        Assert.Equal(File.ReadAllBytes(NewestCheckpointModel(straight)), File.ReadAllBytes(NewestCheckpointModel(killed)));
    }

    /// <summary>
    /// A real train process with --tensorboard, killed with SIGKILL at step 37 (it hangs there; its checkpoint is at 25), then
    /// started again: the event file it leaves is its metrics.jsonl, each step once, the steps after the checkpoint as the
    /// second process logged them, decoded with the framing's checksums checked.
    /// </summary>
    [SkippableFact]
    public void A_killed_and_resumed_train_leaves_tensorboard_events_that_are_its_log()
    {
        string[] args = [.. Tiny, "--iterations", "60", "--checkpoint_every", "25"];
        var folder = NewFolder();
        var board = Path.Combine(NewFolder(), "copy", "asrnn seed=11");
        var metrics = Path.Combine(folder, "metrics.jsonl");
        using (var p = CliProcess.Start([.. args, "--out", folder, "--tensorboard", board, "--hang_at_step", "37"]))
        {
            var clock = Stopwatch.StartNew();
            while (!(File.Exists(metrics) && File.ReadAllLines(metrics).Length >= 37) && clock.Elapsed.TotalSeconds < 60) Thread.Sleep(20);
            p.Kill(); // SIGKILL
            p.WaitForExit();
        }
        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var before = TensorBoardFiles.Read(TensorBoardFiles.SingleFile(board)).Skip(2).Select(e => e.Step).ToList();
        Assert.Equal(Enumerable.Range(1, 37).Select(i => (long)i), before);

        var (exit, stdout, _) = CliProcess.Run([.. args, "--out", folder, "--tensorboard", board]);
        Assert.Equal(0, exit);
        Assert.Contains("resumed from step 25", stdout);
        TensorBoardFiles.AssertMirrors(board, metrics);
        var after = TensorBoardFiles.Read(TensorBoardFiles.SingleFile(board)).Skip(2).ToList();
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), after.Select(e => e.Step));
        Assert.All(after.Where(e => e.Step > 25), e => Assert.True(e.WallTime >= killedAt, $"step {e.Step} is the killed process's"));
        Assert.All(after.Where(e => e.Step <= 25), e => Assert.True(e.WallTime < killedAt));
    }

    /// <summary>
    /// A train refused on a finished run's folder (another task and model, another trajectory option, a device that does not
    /// exist) leaves every file of it as it was: one error line naming the folder and what is wrong, exit code 2.
    /// </summary>
    [SkippableTheory]
    [InlineData("another task and model", new[] { "--task", "pmnist", "--model", "lstm", "--hidden_size", "99" }, "task (copy in the checkpoint, pmnist now)")]
    [InlineData("another hidden size", new[] { "--hidden_size", "6" }, "hidden_size (8 in the checkpoint, 6 now)")]
    [InlineData("a device that does not exist", new[] { "--device", "tpu:7" }, "device: 'tpu:7' is not auto, cpu, cuda or cuda:N")]
    public void A_refused_train_changes_nothing_in_the_run_folder(string what, string[] change, string expected)
    {
        var folder = NewFolder();
        Assert.Equal(0, CliProcess.Run([.. Tiny, "--iterations", "4", "--out", folder]).Exit);
        var before = Snapshot(folder);
        var (exit, stdout, err) = CliProcess.Run(change[0] == "--task" ? ["train", .. change, "--out", folder] : [.. With(Tiny, change), "--iterations", "4", "--out", folder]);
        Assert.True(exit == 2, $"{what}: exit code {exit}; {err}");
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {folder}", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("   at ", stdout + err);
        Assert.Equal(before, Snapshot(folder));
    }

    [SkippableFact]
    public void A_run_yaml_of_an_unknown_schema_version_is_refused_in_one_line()
    {
        var folder = NewFolder();
        Assert.Equal(0, CliProcess.Run([.. Tiny, "--iterations", "2", "--out", folder]).Exit);
        var config = Path.Combine(NewFolder(), "run.yaml");
        File.WriteAllText(config, File.ReadAllText(Path.Combine(folder, "run.yaml")).Replace("schema_version: 1", "schema_version: 2"));
        var (exit, _, err) = CliProcess.Run("train", "--config", config, "--out", NewFolder());
        Assert.Equal(2, exit);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {config}:2:17: schema_version '2' is not a version this asrnn-grid reads (it reads 1): the file was written by another asrnn-grid version", line);
    }

    /// <summary><paramref name="args"/> with each option of <paramref name="change"/> set to its value there (or added).</summary>
    static string[] With(string[] args, string[] change)
    {
        var list = args.ToList();
        for (int i = 0; i < change.Length; i += 2)
        {
            int at = list.IndexOf(change[i]);
            if (at >= 0) list[at + 1] = change[i + 1];
            else list.AddRange([change[i], change[i + 1]]);
        }
        return [.. list];
    }

    /// <summary>Every file under <paramref name="folder"/>, relative, with a digest of its bytes.</summary>
    static List<string> Snapshot(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .Select(f => $"{Path.GetRelativePath(folder, f)} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}")
        .ToList();

    static string[] WithoutTime(string folder) => File.ReadAllLines(Path.Combine(folder, "metrics.jsonl"))
        .Select(l =>
        {
            var o = JsonNode.Parse(l)!.AsObject();
            foreach (var field in AsRnnGrid.Training.Loop.MetricsPoint.TimingFields) o.Remove(field);
            return o.ToJsonString();
        }).ToArray();

    static string NewestCheckpointModel(string folder)
    {
        // The final checkpoint of both runs is at step 400; its name is the same, its content must be too (up to its write time).
        var path = Directory.GetFiles(Path.Combine(folder, "checkpoints"), "*.ckpt").Max()!;
        var data = AsRnnGrid.Training.Checkpoints.CheckpointFormat.Deserialize(File.ReadAllBytes(path));
        var model = Path.Combine(folder, "final-model.bin");
        File.WriteAllBytes(model, data.Model);
        return model;
    }
}
