using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Tests.Grid;

public class RunIdTests
{
    const string Sweep = """
        defaults:
          hidden_size: 8
          iterations: 5
        experiments:
          - name: copy
            grid:
              model: [asrnn, lstm]
            seeds: [1, 2]
        """;

    [Fact]
    public void Id_is_the_experiment_and_the_first_8_hex_of_the_config_hash()
    {
        var runs = new SweepFolder().Read("s.yaml", Sweep).Runs;
        Assert.All(runs, r => Assert.Equal($"copy-{ConfigHash.Compute(r.Config)[..8]}", r.Id));
        Assert.All(runs, r => Assert.Matches("^copy-[0-9a-f]{8}$", r.Id));
        Assert.Equal(4, runs.Select(r => r.Id).Distinct().Count());
        Assert.Equal(Path.Combine("/r", "runs", runs[0].Id), runs[0].Folder("/r"));
    }

    [Fact]
    public void Ids_are_the_same_when_the_file_is_read_again()
    {
        var folder = new SweepFolder();
        var path = folder.Write("s.yaml", Sweep);
        Assert.Equal(SweepFileReader.Read(path).Runs.Select(r => r.Id), SweepFileReader.Read(path).Runs.Select(r => r.Id));
    }

    [Fact]
    public void Adding_an_experiment_a_seed_or_an_operational_option_leaves_existing_ids_alone()
    {
        var folder = new SweepFolder();
        var before = folder.Read("s.yaml", Sweep).Runs.Select(r => r.Id).ToList();
        var after = folder.Read("s2.yaml", """
            defaults:
              hidden_size: 8
              iterations: 5
              device: cpu
              checkpoint_every: 7
            experiments:
              - name: adding
                task: adding
              - name: copy
                grid:
                  model: [asrnn, lstm]
                seeds: [1, 2, 3]
            """).Runs;
        Assert.Equal(1 + 6, after.Count);
        Assert.Subset(after.Select(r => r.Id).ToHashSet(), before.ToHashSet());
        Assert.StartsWith("adding-", after[0].Id);
    }

    [Fact]
    public void Changing_a_trajectory_option_changes_the_id()
    {
        var folder = new SweepFolder();
        var before = folder.Read("s.yaml", Sweep).Runs.Select(r => r.Id);
        var after = folder.Read("s2.yaml", Sweep.Replace("iterations: 5", "iterations: 6")).Runs.Select(r => r.Id);
        Assert.Empty(before.Intersect(after));
    }
}
