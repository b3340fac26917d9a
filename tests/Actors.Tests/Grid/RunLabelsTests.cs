using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Tests.Grid;

/// <summary>A run's label within its experiment: the model, then what differs between the experiment's runs, in the grid's order.</summary>
public class RunLabelsTests
{
    [Fact]
    public void The_demo_sweep_names_each_run_by_its_model_and_seed()
    {
        var sweep = SweepFileReader.Read(Path.Combine(RepositoryPaths.Root, "experiments.yaml"));
        Assert.Equal(
            ["asrnn seed=1", "asrnn seed=2", "exprnn seed=1", "exprnn seed=2", "lstm seed=1", "lstm seed=2"],
            sweep.Runs.Where(r => r.Experiment == "copy").Select(r => r.Label.Text));
        Assert.Equal(["asrnn", "asrnn", "exprnn", "exprnn", "lstm", "lstm"], sweep.Runs.Where(r => r.Experiment == "copy").Select(r => r.Label.Configuration));
    }

    const string Variants = """
        defaults:
          task: copy
          iterations: 10
          rmsprop_lr: 1e-2
        experiments:
          - name: e
            recall_length: 3
            grid:
              model: [asrnn, lstm]
            variants:
              - {hidden_size: 16}
              - {hidden_size: 32, rmsprop_lr: 1e-3}
              - {hidden_size: 32, lstm_readout: cell}
            seeds: [1, 2]
          - name: alone
            model: gru
        """;

    [Fact]
    public void Grid_keys_come_first_then_variant_keys_then_the_seed_each_as_written()
    {
        var runs = new SweepFolder().Read("e.yaml", Variants).Runs;
        var labels = runs.Where(r => r.Experiment == "e").Select(r => r.Label.Text).ToList();
        Assert.Equal(
        [
            "asrnn h=16 lr=1e-2 seed=1", "asrnn h=16 lr=1e-2 seed=2",
            "asrnn h=32 lr=1e-3 seed=1", "asrnn h=32 lr=1e-3 seed=2",
            // lstm_readout is written by this variant only: the runs that keep its default do not name it.
            "asrnn h=32 lr=1e-2 readout=cell seed=1", "asrnn h=32 lr=1e-2 readout=cell seed=2",
            "lstm h=16 lr=1e-2 seed=1", "lstm h=16 lr=1e-2 seed=2",
            "lstm h=32 lr=1e-3 seed=1", "lstm h=32 lr=1e-3 seed=2",
            "lstm h=32 lr=1e-2 readout=cell seed=1", "lstm h=32 lr=1e-2 readout=cell seed=2",
        ], labels);
        Assert.Equal("lstm h=32 lr=1e-3", runs.Single(r => r.Label.Text == "lstm h=32 lr=1e-3 seed=2").Label.Configuration);
        // An experiment of one run: its model.
        Assert.Equal("gru", runs.Single(r => r.Experiment == "alone").Label.Text);
    }

    [Fact]
    public void Labels_are_unique_and_the_same_each_time_the_file_is_read()
    {
        var folder = new SweepFolder();
        var first = folder.Read("e.yaml", Variants).Runs;
        var again = SweepFileReader.Read(Path.Combine(folder.Path, "e.yaml")).Runs;
        Assert.Equal(first.Select(r => (r.Id, r.Label)), again.Select(r => (r.Id, r.Label)));
        foreach (var experiment in first.GroupBy(r => r.Experiment))
            Assert.Equal(experiment.Count(), experiment.Select(r => r.Label.Text).Distinct().Count());
        // The paper grids that need no data files.
        foreach (var name in new[] { "copy-1000.yaml", "copy-2000.yaml", "nnrnn-copy.yaml", "enrnn-copy.yaml" })
        {
            var runs = SweepFileReader.Read(Path.Combine(RepositoryPaths.Root, "experiments", name)).Runs;
            foreach (var experiment in runs.GroupBy(r => r.Experiment))
                Assert.Equal(experiment.Count(), experiment.Select(r => RunLabel.FolderName(r.Label.Text)).Distinct().Count());
        }
    }

    [Fact]
    public void A_value_written_alike_everywhere_or_equal_once_resolved_is_no_difference()
    {
        var runs = new SweepFolder().Read("e.yaml", """
            defaults: { task: copy, iterations: 10 }
            experiments:
              - name: e
                grid:
                  model: [asrnn, rnn]
                variants:
                  - {hidden_size: 8, rmsprop_lr: 1e-3}
                  - {hidden_size: 9, rmsprop_lr: 0.001}
            """).Runs;
        Assert.Equal(["asrnn h=8", "asrnn h=9", "rnn h=8", "rnn h=9"], runs.Select(r => r.Label.Text));
    }

    [Fact]
    public void Labels_alike_as_folder_names_get_their_ids_and_long_labels_are_cut_with_a_hash()
    {
        var config = RunConfigBuilder.Build([new("task", "copy")]);
        var labels = RunLabels.For(
        [
            new RunLabels.Source("e-1", config, [new("model", "asrnn"), new("note", "a/b")]),
            new RunLabels.Source("e-2", config, [new("model", "asrnn"), new("note", "a_b")]),
        ], []);
        Assert.Equal(["asrnn note=a/b e-1", "asrnn note=a_b e-2"], labels.Select(l => l.Text));
        Assert.Equal("asrnn note=a_b e-1", RunLabel.FolderName(labels[0].Text));

        var longer = new string('x', 300);
        var name = RunLabel.FolderName(longer);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(name) <= 160);
        Assert.NotEqual(name, RunLabel.FolderName(longer + "y"));
        Assert.Equal(["_", ".._"], new[] { RunLabel.FolderName("/"), RunLabel.FolderName("..\u0001") });
        Assert.Equal(Path.Combine("R", "tensorboard", "copy", "lstm seed=2"), RunLabel.Plain("lstm seed=2").TensorBoardFolder("R", "copy"));
    }

    [Fact]
    public void Without_the_sweep_labels_come_from_the_configurations()
    {
        RunConfig Copy(string model, int hidden, int seed) => RunConfigBuilder.Build(
            [new("task", "copy"), new("model", model), new("hidden_size", hidden.ToString()), new("random_seed", seed.ToString())]);
        var labels = RunLabels.FromConfigs([("a", Copy("asrnn", 8, 1)), ("b", Copy("asrnn", 8, 2)), ("c", Copy("lstm", 16, 1))]);
        Assert.Equal(["asrnn h=8 seed=1", "asrnn h=8 seed=2", "lstm h=16 seed=1"], labels.Select(l => l.Text));
    }
}
