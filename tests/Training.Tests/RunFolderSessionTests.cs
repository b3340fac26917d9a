using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Training.Tests;

/// <summary>A run takes its folder over only once its configuration is accepted; a refused one leaves every file as it was.</summary>
[Collection("Serial")]
public class RunFolderSessionTests
{
    static List<string> Snapshot(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .Select(f => $"{Path.GetRelativePath(folder, f)} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}")
        .ToList();

    [Fact]
    public void A_run_yaml_of_another_configuration_without_a_checkpoint_is_refused()
    {
        var folder = TestRuns.NewFolder();
        RunYaml.Write(Path.Combine(folder, RunYaml.FileName), TestRuns.TinyCopy("asrnn"));
        File.WriteAllText(Path.Combine(folder, "metrics.jsonl"), "{\"kind\":\"train\"}\n");
        var before = Snapshot(folder);
        var e = Assert.Throws<ConfigurationException>(() => TestRuns.Train(TestRuns.TinyCopy("asrnn", ("hidden_size", "6")), folder));
        Assert.StartsWith($"{folder} holds a run.yaml of another configuration; differing: hidden_size (8 in run.yaml, 6 now)", e.Message);
        Assert.Equal(before, Snapshot(folder));
    }

    [Fact]
    public void A_refused_run_leaves_a_corrupt_newest_checkpoint_where_it_is()
    {
        var config = TestRuns.TinyCopy("asrnn", ("checkpoint_every", "2"), ("keep_checkpoints", "3"));
        var folder = TestRuns.NewFolder();
        TestRuns.Train(config, folder, stopAfter: 5);
        var newest = Directory.GetFiles(Path.Combine(folder, "checkpoints"), "*.ckpt").Max()!;
        File.WriteAllBytes(newest, File.ReadAllBytes(newest)[..100]);
        var before = Snapshot(folder);
        Assert.Throws<ConfigurationException>(() => TestRuns.Train(config with { Alpha = 0.5 }, folder));
        Assert.Equal(before, Snapshot(folder));
        // Accepted, the same folder sets the corrupt file aside and resumes from the previous checkpoint.
        Assert.Equal("completed", TestRuns.Train(config, folder).Status);
        Assert.True(File.Exists(newest + ".corrupt"));
    }

    [Fact]
    public void Operational_options_may_change_and_run_yaml_then_records_them()
    {
        var config = TestRuns.TinyCopy("lstm");
        var folder = TestRuns.NewFolder();
        TestRuns.Train(config, folder, stopAfter: 4);
        var changed = config with { CheckpointEvery = 3, KeepCheckpoints = 1, Device = "cpu" };
        Assert.Equal("completed", TestRuns.Train(changed, folder).Status);
        Assert.Equal(changed, RunYaml.Read(Path.Combine(folder, RunYaml.FileName)));
    }

    [Fact]
    public void A_run_refused_for_missing_data_leaves_no_folder_behind()
    {
        var folder = Path.Combine(TestRuns.NewFolder(), "new-run");
        var data = TestRuns.NewFolder();
        var config = TestRuns.Config(("task", "smnist"), ("hidden_size", "8"), ("data_dir", data));
        // The task's files are looked for before they are read (DataFilesCheck, as validate does): every missing one named.
        var e = Assert.Throws<ConfigurationException>(() => TestRuns.Train(config, folder));
        Assert.StartsWith($"data_dir {data} has no train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte", e.Message);
        Assert.False(Directory.Exists(folder));
    }
}
