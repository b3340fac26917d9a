using System.Text.Json.Nodes;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Training.Tests;

/// <summary>Builds tiny runs and reads back what they wrote.</summary>
public static class TestRuns
{
    public static RunConfig Config(params (string Key, string Value)[] values)
        => RunConfigBuilder.Build(values.Select(v => new KeyValuePair<string, string>(v.Key, v.Value)));

    /// <summary>Hidden 8; enrnn splits it as n1 = 4 + n2 = 4 unless <paramref name="extra"/> says otherwise.</summary>
    public static RunConfig TinyCopy(string model, params (string, string)[] extra) => Config(
        new[] { ("task", "copy"), ("model", model), ("hidden_size", "8"), ("recall_length", "3"), ("delay_length", "5"),
            ("batch_size", "8"), ("iterations", "12"), ("log_every", "1"), ("rmsprop_lr", "1e-2"), ("rmsprop_constr_lr", "1e-3"),
            ("checkpoint_every", "1000"), ("random_seed", "7") }
            .Concat(model == "enrnn" && !extra.Any(e => e.Item1 == "enrnn_n2") ? new[] { ("enrnn_n2", "4") } : [])
            .Concat(extra).ToArray());

    public static string NewFolder() => Directory.CreateTempSubdirectory("asrnn-run-").FullName;

    /// <summary>Runs to the end, or stops after <paramref name="stopAfter"/> iterations (a checkpoint is written then).</summary>
    public static RunResult Train(RunConfig config, string folder, long? stopAfter = null, TrainingRunOptions? options = null)
    {
        var observer = new StoppingObserver(stopAfter);
        return new TrainingRun(config, folder, observer, options).Run(observer.Token);
    }

    /// <summary>Runs until <paramref name="pauseAt"/> ("4 iterations", "1 epoch"; the run pauses there) or, with null, to the end.</summary>
    public static RunResult TrainUntil(RunConfig config, string folder, string? pauseAt)
    {
        var options = new TrainingRunOptions { PauseAt = pauseAt is null ? null : TrainingPoint.Parse(pauseAt) ?? throw new ArgumentException(pauseAt) };
        return new TrainingRun(config, folder, new StoppingObserver(null), options).Run(CancellationToken.None);
    }

    /// <summary>Trains <paramref name="config"/> to the end and holds that its final loss is below the task's baseline.</summary>
    public static RunResult TrainBelowBaseline(RunConfig config, string what)
    {
        var result = Train(config, NewFolder());
        Assert.Equal("completed", result.Status);
        Assert.True(result.FinalLoss < result.Baseline, $"{what}: final loss {result.FinalLoss} not below the baseline {result.Baseline}");
        return result;
    }

    /// <summary>metrics.jsonl with its timing fields removed (the only fields allowed to differ).</summary>
    public static string[] MetricsWithoutTime(string folder) => MetricsLines.WithoutTime(Path.Combine(folder, "metrics.jsonl"));

    /// <summary>The serialised model of the newest checkpoint: equal bytes mean bit-identical parameters and buffers.</summary>
    public static byte[] FinalModelBytes(string folder)
    {
        var store = new CheckpointStore(folder, 2);
        return CheckpointFormat.Deserialize(File.ReadAllBytes(store.List()[0])).Model;
    }

    sealed class StoppingObserver(long? stopAfter) : ITrainingObserver
    {
        readonly CancellationTokenSource _stop = new();
        public CancellationToken Token => _stop.Token;
        public void Logged(MetricsPoint point)
        {
            if (stopAfter is { } k && point.Step >= k) _stop.Cancel();
        }
    }
}
