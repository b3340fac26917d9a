using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Training.Tests;

/// <summary>
/// A run folder written by the build before run.yaml had a schema version and before checkpoints were read through
/// typed metadata (tests/data/runs/copy-asrnn-stopped-at-6: copy asrnn h8, 12 iterations, stopped by an injected fault after
/// its checkpoint at step 6): today's code reads its run.yaml as version 1, keeps its config hash and resumes it to the
/// trajectory of an uninterrupted run.
/// </summary>
[Collection("Serial")]
public class EarlierRunFolderTests
{
    static readonly RunConfig Config = TestRuns.Config(("task", "copy"), ("model", "asrnn"), ("hidden_size", "8"), ("recall_length", "3"),
        ("delay_length", "5"), ("batch_size", "8"), ("log_every", "2"), ("random_seed", "11"), ("iterations", "12"),
        ("checkpoint_every", "3"), ("keep_checkpoints", "1"));

    static string Fixture => Path.Combine(RepositoryPaths.TestData, "runs", "copy-asrnn-stopped-at-6");

    static string CopyOfFixture()
    {
        var folder = TestRuns.NewFolder();
        foreach (var file in Directory.GetFiles(Fixture, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(Fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return folder;
    }

    [Fact]
    public void Its_run_yaml_without_a_schema_version_reads_as_the_same_configuration()
    {
        Assert.DoesNotContain(RunYaml.SchemaKey, File.ReadAllText(Path.Combine(Fixture, "run.yaml")));
        Assert.Equal(Config, RunYaml.Read(Path.Combine(Fixture, "run.yaml")));
        var checkpoint = new CheckpointStore(Fixture, 1).FindLatest().Found!.Value.Data;
        Assert.Equal(ConfigHash.Compute(Config), (string)checkpoint.Meta["config_hash"]!);
        // Today's run.yaml is the earlier text with the schema line after the heading, nothing else.
        var earlier = File.ReadAllLines(Path.Combine(Fixture, "run.yaml"));
        Assert.Equal(earlier, RunYaml.Format(Config).TrimEnd('\n').Split('\n').Where(l => !l.StartsWith(RunYaml.SchemaKey + ":")));
    }

    [Fact]
    public void Its_checkpoint_resumes_to_the_uninterrupted_trajectory()
    {
        var straight = TestRuns.NewFolder();
        Assert.Equal("completed", TestRuns.Train(Config, straight).Status);
        var resumed = CopyOfFixture();
        var observer = new ResumeObserver();
        var result = new TrainingRun(Config, resumed, observer).Run(CancellationToken.None);
        Assert.Equal("completed", result.Status);
        Assert.Equal(6, observer.ResumedAt);
        // The earlier build logged no gradient norms or rates: its lines are held to what they hold, the lines after the resume whole.
        var expected = TestRuns.MetricsWithoutTime(straight);
        var actual = TestRuns.MetricsWithoutTime(resumed);
        int earlier = File.ReadAllLines(Path.Combine(Fixture, "metrics.jsonl")).Length;
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < earlier; i++)
        {
            var line = System.Text.Json.Nodes.JsonNode.Parse(actual[i])!.AsObject();
            var full = System.Text.Json.Nodes.JsonNode.Parse(expected[i])!.AsObject();
            Assert.Equal(full.Where(kv => line.ContainsKey(kv.Key)).Select(kv => $"{kv.Key}={kv.Value}"), line.Select(kv => $"{kv.Key}={kv.Value}"));
            Assert.DoesNotContain("grad_norm", actual[i]);
        }
        Assert.Equal(expected[earlier..], actual[earlier..]);
        Assert.Equal(TestRuns.FinalModelBytes(straight), TestRuns.FinalModelBytes(resumed));
    }

    sealed class ResumeObserver : ITrainingObserver
    {
        public long? ResumedAt { get; private set; }
        public void Resumed(long step, int epoch, string checkpoint) => ResumedAt = step;
    }
}
