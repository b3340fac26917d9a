using System.Text.Json.Nodes;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>What a train child writes with --progress json, its trainer reads back as the same record; the line stays flat.</summary>
public class ChildProgressTests
{
    static readonly MetricsPoint Point = new()
    {
        Kind = "eval", Step = 120, Epoch = 2, Elapsed = 3.25, Loss = 0.5, Accuracy = 81.25, TestAccuracy = 90.5, LearningRate = 1e-3,
        IterationsPerSecond = 35.5,
    };

    static readonly RunResult Result = new()
    {
        Status = "completed", Task = "pmnist", Model = "asrnn", HiddenSize = 122, Parameters = 16358, Steps = 400, Epochs = 2,
        Elapsed = 12.5, FinalLoss = 0.125, BestTestAccuracy = 97.5, ConfigHash = "3ebb6365",
    };

    public static TheoryData<ChildProgress> Lines() =>
    [
        new ChildProgress.Started(16358, "cuda:1", 400),
        new ChildProgress.Started(16358, "cpu", null),
        new ChildProgress.Resumed(100, 1, "/r/checkpoints/step-0000000100.ckpt"),
        new ChildProgress.Logged(Point),
        new ChildProgress.Logged(Point with { IterationsPerSecond = null }),
        new ChildProgress.Heartbeat(130, 4.5),
        new ChildProgress.CheckpointWritten(200, "/r/checkpoints/step-0000000200.ckpt", 0.05),
        new ChildProgress.Warning("checkpoint x is unreadable"),
        new ChildProgress.Finished(Result),
    ];

    [Theory]
    [MemberData(nameof(Lines))]
    public void A_line_reads_back_as_the_record_it_was_written_from(ChildProgress progress)
    {
        var line = progress.ToLine();
        Assert.DoesNotContain('\n', line);
        var back = ChildProgress.Parse(line);
        Assert.Equal(progress.GetType(), back?.GetType());
        Assert.Equal(line, back!.ToLine());
        if (progress is not (ChildProgress.Logged or ChildProgress.Finished)) Assert.Equal(progress, back);
    }

    [Fact]
    public void Lines_are_flat_objects_with_the_event_first()
    {
        var log = JsonNode.Parse(new ChildProgress.Logged(Point).ToLine())!.AsObject();
        Assert.Equal(["event", "kind", "step"], log.Select(kv => kv.Key).Take(3));
        Assert.Equal("log", (string)log["event"]!);
        Assert.Equal(90.5, (double)log["test_accuracy"]!);
        Assert.Equal(35.5, (double)log["iterations_per_second"]!);
        var finished = JsonNode.Parse(new ChildProgress.Finished(Result).ToLine())!.AsObject();
        Assert.Equal(("finished", "completed", 400L), ((string)finished["event"]!, (string)finished["status"]!, (long)finished["steps"]!));
        var back = (ChildProgress.Finished)ChildProgress.Parse(new ChildProgress.Finished(Result).ToLine())!;
        Assert.Equal((Result.Status, Result.BestTestAccuracy, Result.Steps), (back.Result.Status, back.Result.BestTestAccuracy, back.Result.Steps));
        var logged = (ChildProgress.Logged)ChildProgress.Parse(new ChildProgress.Logged(Point).ToLine())!;
        Assert.Equal(Point, logged.Point);
    }

    [Theory]
    [InlineData("Loading libtorch...")]
    [InlineData("{\"event\":\"party\",\"step\":3}")]
    [InlineData("{\"event\":\"log\",\"step\":3")]
    [InlineData("{\"event\":\"heartbeat\",\"step\":\"three\"}")]
    [InlineData("[1,2]")]
    public void Other_lines_are_no_progress(string line) => Assert.Null(ChildProgress.Parse(line));
}
