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

    /// <summary>Seeds 5978 and 75856 of this copy run have config hashes that agree in their first 8 hex digits (found by search).</summary>
    const string Colliding = """
        defaults: { hidden_size: 8, iterations: 5 }
        experiments:
          - { name: copy, task: copy, seeds: [1, 5978, 75856] }
        """;

    [Fact]
    public void Different_runs_whose_short_ids_are_the_same_get_longer_ids_and_a_note_and_the_others_keep_theirs()
    {
        var sweep = new SweepFolder().Read("s.yaml", Colliding);
        var hashes = sweep.Runs.Select(r => ConfigHash.Compute(r.Config)).ToArray();
        Assert.Equal(hashes[1][..8], hashes[2][..8]);
        Assert.NotEqual(hashes[1], hashes[2]);

        Assert.Equal(["copy-" + hashes[0][..8], "copy-" + hashes[1][..16], "copy-" + hashes[2][..16]], sweep.Runs.Select(r => r.Id));
        var note = Assert.Single(sweep.Notes);
        Assert.Equal($"2 runs of different configurations would share the id copy-{hashes[1][..8]}; they get 16 hex digits of their configuration hash: "
            + $"copy-{hashes[1][..16]}, copy-{hashes[2][..16]}", note);
    }

    [Fact]
    public void Validate_prints_the_note_of_runs_given_a_longer_id()
    {
        var path = new SweepFolder().Write("s.yaml", Colliding);
        var (exit, stdout, stderr) = CliProcess.Run("validate", path);
        Assert.True(exit == 0, stderr);
        var sweep = SweepFileReader.Read(path);
        Assert.Contains("note: " + sweep.Notes[0] + "\n", stdout);
        Assert.All(sweep.Runs, r => Assert.Contains($"| {r.Id} ", stdout));
    }

    [Fact]
    public void A_longer_id_takes_the_fewest_of_16_24_32_and_64_digits_that_tell_the_hashes_apart()
    {
        var a = new string('a', 64);
        Assert.Equal(16, RunId.LengthApart([a, "aaaaaaaab" + a[9..]]));
        Assert.Equal(24, RunId.LengthApart([a, new string('a', 20) + "b" + a[21..]]));
        Assert.Equal(64, RunId.LengthApart([a, a[..63] + "b"]));
    }
}
