using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Tests.Grid;

public class SweepExpansionTests
{
    const string Grid = """
        defaults:
          task: copy
          hidden_size: 6
          batch_size: 4
          iterations: 10
        experiments:
          - name: e
            batch_size: 5
            iterations: 20
            grid:
              model: [asrnn, lstm]
              hidden_size: [8, 12, 16]
            variants:
              - {rmsprop_lr: 1.0e-3}
              - {rmsprop_lr: 2.0e-3, iterations: 30}
            seeds: [1, 2]
        """;

    [SkippableFact]
    public void Grid_product_then_variants_then_seeds_last_grid_key_fastest()
    {
        var runs = new SweepFolder().Read("e.yaml", Grid).Runs;
        Assert.Equal(2 * 3 * 2 * 2, runs.Count);
        var expected = new List<(string, int, double, long)>();
        foreach (var model in new[] { "asrnn", "lstm" })
        foreach (var hidden in new[] { 8, 12, 16 })
        foreach (var lr in new[] { 1e-3, 2e-3 })
        foreach (var seed in new[] { 1L, 2L })
            expected.Add((model, hidden, lr, seed));
        Assert.Equal(expected, runs.Select(r => (r.Config.Model.Name, r.Config.HiddenSize, r.Config.RmspropLr, r.Config.RandomSeed)));
        Assert.All(runs, r => Assert.Equal("e", r.Experiment));
    }

    [SkippableFact]
    public void Defaults_are_overridden_by_fixed_keys_then_grid_then_variant()
    {
        var runs = new SweepFolder().Read("e.yaml", Grid).Runs;
        Assert.All(runs, r => Assert.Equal(5, r.Config.BatchSize)); // fixed over defaults
        Assert.DoesNotContain(runs, r => r.Config.HiddenSize == 6); // grid over defaults
        Assert.Equal([20, 30], runs.Select(r => r.Config.Iterations).Distinct().Order()); // variant over fixed
        Assert.All(runs, r => Assert.Equal(r.Config.RmspropLr == 2e-3 ? 30 : 20, r.Config.Iterations));
        Assert.All(runs, r => Assert.Equal("copy", r.Config.Task.Name));
    }

    [SkippableFact]
    public void Options_hold_each_key_once_in_merge_order_and_build_the_same_config()
    {
        var runs = new SweepFolder().Read("e.yaml", Grid).Runs;
        Assert.Equal(
            [new("task", "copy"), new("batch_size", "5"), new("iterations", "20"), new("model", "asrnn"), new("hidden_size", "8"),
             new("rmsprop_lr", "1.0e-3"), new("random_seed", "1")],
            runs[0].Options);
        Assert.Equal(
            [new("task", "copy"), new("batch_size", "5"), new("model", "asrnn"), new("hidden_size", "8"),
             new("rmsprop_lr", "2.0e-3"), new("iterations", "30"), new("random_seed", "2")],
            runs[3].Options);
        Assert.All(runs, r => Assert.Equal(r.Config, RunConfigBuilder.Build(r.Options)));
    }

    [SkippableFact]
    public void An_experiment_without_grid_variants_or_seeds_is_one_run_with_the_task_defaults()
    {
        var runs = new SweepFolder().Read("e.yaml", "experiments:\n  - name: one\n    task: adding\n").Runs;
        var run = Assert.Single(runs);
        Assert.Equal(RunConfigBuilder.Build([new("task", "adding")]), run.Config);
        Assert.Equal(5544, run.Config.RandomSeed);
    }

    [SkippableFact]
    public void Sweep_settings_are_read_and_results_is_taken_from_the_files_folder()
    {
        var folder = new SweepFolder();
        var sweep = folder.Read("sub/e.yaml", """
            results: out/here
            max_retries: 5
            retry_backoff: 1.5
            quarantine_after: 4
            slots_per_gpu: 2
            cpu_slots: 3
            heartbeat_timeout: 90
            max_runs: 7
            gpu_min_free_mib: 4096
            gpu_share: never
            experiments:
              - name: a
            """);
        Assert.Equal(Path.Combine(folder.Path, "sub", "out", "here"), sweep.Results);
        Assert.Equal(Path.Combine(folder.Path, "sub", "e.yaml"), sweep.File);
        Assert.Equal((5, 1.5, 4, 2, (int?)3, 90.0, 7), (sweep.MaxRetries, sweep.RetryBackoffSeconds, sweep.QuarantineAfter, sweep.SlotsPerGpu, sweep.CpuSlots, sweep.HeartbeatTimeoutSeconds, sweep.MaxRuns));
        Assert.Equal(((long?)4096, AsRnnGrid.Actors.Sweep.Gpu.GpuShare.Never), (sweep.GpuMinFreeMiB, sweep.GpuShare));
        var policy = AsRnnGrid.Actors.Sweep.Book.SweepPolicy.For(sweep, endWhenNoDeviceLeft: true);
        Assert.Equal(((long?)4096, AsRnnGrid.Actors.Sweep.Gpu.GpuShare.Never), (policy.GpuMinFreeMiB, policy.GpuShare));

        var plain = folder.Read("plain.yaml", "experiments:\n  - name: a\n");
        Assert.Equal(Path.Combine(folder.Path, "results"), plain.Results);
        Assert.Equal((2, 30.0, 3, 2, (int?)null, 600.0, 100_000), (plain.MaxRetries, plain.RetryBackoffSeconds, plain.QuarantineAfter, plain.SlotsPerGpu, plain.CpuSlots, plain.HeartbeatTimeoutSeconds, plain.MaxRuns));
        Assert.Equal(((long?)null, AsRnnGrid.Actors.Sweep.Gpu.GpuShare.FreeMemory), (plain.GpuMinFreeMiB, plain.GpuShare));
    }

    [SkippableFact]
    public void A_file_of_max_runs_runs_is_expanded_and_one_more_is_refused()
    {
        var folder = new SweepFolder();
        const string Grid = "defaults: { task: adding, iterations: 2 }\nexperiments:\n  - { name: a, grid: { hidden_size: [4, 5] }, seeds: [1, 2] }\n";
        Assert.Equal(4, folder.Read("four.yaml", "max_runs: 4\n" + Grid).Runs.Count);
        var e = Assert.Throws<ConfigurationException>(() => folder.Read("three.yaml", "max_runs: 3\n" + Grid));
        Assert.EndsWith("three.yaml:4:5: experiment a expands to 4 runs (hidden_size 2 × seeds 2), more than max_runs (3): make its grid smaller or raise max_runs", e.Message);
    }

    [SkippableFact]
    public void A_file_saved_with_a_utf8_byte_order_mark_reads_as_without()
    {
        var folder = new SweepFolder();
        var path = System.IO.Path.Combine(folder.Path, "bom.yaml");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("experiments:\n  - { name: a, task: adding, iterations: 2 }\n")]);
        Assert.Equal("a", Assert.Single(SweepFileReader.Read(path).Runs).Experiment);
    }

    [SkippableFact]
    public void Relative_data_dir_is_written_out_absolute_from_the_files_folder()
    {
        var folder = new SweepFolder();
        var ptb = folder.PtbFolder("sub/text/ptb");
        folder.MnistLink("sub/data");
        var runs = folder.Read("sub/e.yaml", """
            experiments:
              - name: text
                task: ptb
                data_dir: text/ptb
              - name: digits
                task: smnist
              - name: copy
                data_dir: elsewhere
            """).Runs;
        Assert.Equal(ptb, runs[0].Config.DataDir);
        Assert.Contains(new KeyValuePair<string, string>("data_dir", ptb), runs[0].Options);
        // A data task without data_dir gets the file folder's data/ (train's default folder name), written out.
        Assert.Equal(Path.Combine(folder.Path, "sub", "data"), runs[1].Config.DataDir);
        Assert.Equal(new KeyValuePair<string, string>("data_dir", Path.Combine(folder.Path, "sub", "data")), runs[1].Options[^1]);
        Assert.Equal(Path.Combine(folder.Path, "sub", "elsewhere"), runs[2].Config.DataDir);
    }

    [SkippableFact]
    public void Absolute_data_dir_is_kept()
    {
        var runs = new SweepFolder().Read("e.yaml", $"experiments:\n  - name: m\n    task: pmnist\n    data_dir: {MnistSubset.Folder}\n").Runs;
        Assert.Equal(MnistSubset.Folder, Assert.Single(runs).Config.DataDir);
    }
}
