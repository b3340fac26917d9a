using System.Globalization;
using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Tests.Grid;

/// <summary>The demo experiments.yaml and the papers' grids in experiments/ expand, with the spec's hyperparameters.</summary>
public class RepositorySweepFileTests
{
    static string PaperGrid(string name) => Path.Combine(RepositoryPaths.Root, "experiments", name);

    [SkippableFact]
    public void Demo_sweep_has_12_runs_with_unique_ids_and_needs_no_data()
    {
        var sweep = SweepFileReader.Read(Path.Combine(RepositoryPaths.Root, "experiments.yaml"));
        Assert.Equal(12, sweep.Runs.Count);
        Assert.Equal(12, sweep.Runs.Select(r => r.Id).Distinct().Count());
        Assert.Equal(["copy", "adding"], sweep.Runs.Select(r => r.Experiment).Distinct());
        Assert.All(sweep.Runs, r => Assert.False(r.Config.IsEpochTask));
        Assert.All(sweep.Runs, r => Assert.True(r.Config.HiddenSize <= 16 && r.Config.Iterations <= 300));
        Assert.Equal(Path.Combine(RepositoryPaths.Root, "results"), sweep.Results);
    }

    /// <summary>
    /// Each paper grid, copied into a temporary folder with its data folders beside it (the committed MNIST subset
    /// through a link; three tiny PTB files: the check looks for the files only), expands to its
    /// table's rows: model, hidden size, lr, recurrent lr, alpha, clipping (docs/models.md §6.3), times the seeds.
    /// </summary>
    [SkippableTheory]
    [InlineData("copy-1000.yaml", 3, "asrnn 138 2e-4 2e-5 0.9 10|exprnn 190 2e-4 2e-5 0.9 -1|scornn 190 2e-4 2e-5 0.9 -1|lstm 68 1e-3 2e-5 0.9 1")]
    [InlineData("copy-2000.yaml", 3, "asrnn 138 2e-4 2e-5 0.9 10|exprnn 190 2e-4 2e-5 0.9 -1|scornn 190 2e-4 2e-5 0.9 -1|lstm 68 1e-3 2e-5 0.9 1")]
    [InlineData("smnist.yaml", 3, "asrnn 122 7e-4 7e-5 0.99 10|exprnn 170 7e-4 7e-5 0.9 -1|scornn 170 7e-4 7e-5 0.9 -1"
        + "|asrnn 257 5e-4 5e-5 0.99 10|exprnn 360 5e-4 5e-5 0.9 -1|scornn 360 5e-4 5e-5 0.99 -1|lstm 128 1e-3 7e-5 0.9 1"
        + "|asrnn 364 3e-4 3e-5 0.99 10|exprnn 512 3e-4 3e-5 0.9 -1|scornn 512 3e-4 3e-5 0.9 -1")]
    [InlineData("pmnist.yaml", 3, "asrnn 122 1e-3 1e-4 0.99 10|exprnn 170 1e-3 1e-4 0.9 -1|scornn 170 1e-3 1e-4 0.9 -1"
        + "|asrnn 257 7e-4 7e-5 0.99 10|exprnn 512 5e-4 5e-5 0.9 -1|scornn 360 5e-4 5e-5 0.9 -1|lstm 128 1e-3 7e-5 0.9 1"
        + "|asrnn 364 5e-4 5e-5 0.99 10|exprnn 360 7e-4 7e-5 0.9 -1|scornn 512 7e-4 7e-5 0.9 -1")]
    [InlineData("ptb-150.yaml", 5, "lstm 475 1e-3 1e-4 0.99 -1|asrnn 1024 1e-3 1e-4 0.9 -1|exprnn 1386 5e-3 1e-4 0.9 -1")]
    [InlineData("ptb-300.yaml", 5, "lstm 475 3e-3 1e-4 0.9 -1|asrnn 1024 1e-3 1e-3 0.9 -1|exprnn 1386 5e-3 1e-4 0.9 -1")]
    [InlineData("nnrnn-copy.yaml", 3, "nnrnn 128 5e-4 1e-6 0.99 -1|exprnn 128 1e-3 1e-4 0.99 -1|lstm 128 5e-4 2e-5 0.99 -1|asrnn 138 2e-4 2e-5 0.9 10")]
    [InlineData("enrnn-copy.yaml", 3, "enrnn 192 1e-3 1e-5 0.9 -1|enrnn 160 1e-4 1e-4 0.9 -1")]
    [InlineData("nru-pmnist.yaml", 3, "nru 212 1e-3 7e-5 0.99 1")]
    public void Paper_grid_expands_to_its_table_rows_times_the_seeds(string file, int seeds, string rows)
    {
        var folder = new SweepFolder();
        var copy = folder.Write(Path.Combine("experiments", file), File.ReadAllText(PaperGrid(file)));
        folder.MnistLink("experiments/data/mnist");
        var ptb = folder.PtbFolder("experiments/data/ptb");

        var sweep = SweepFileReader.Read(copy);

        var expected = rows.Split('|');
        Assert.Equal(expected.Length * seeds, sweep.Runs.Count);
        Assert.Equal(sweep.Runs.Count, sweep.Runs.Select(r => r.Id).Distinct().Count());
        Assert.Equal(expected, sweep.Runs.Select(Row).Distinct());
        Assert.All(sweep.Runs.GroupBy(Row), g => Assert.Equal(seeds, g.Select(r => r.Config.RandomSeed).Distinct().Count()));
        Assert.Equal(Path.Combine(folder.Path, "results", Path.GetFileNameWithoutExtension(file)), sweep.Results);
        foreach (var run in sweep.Runs.Where(r => r.Config.IsEpochTask))
            Assert.Equal(run.Config.Task.Name == "ptb" ? ptb : Path.Combine(folder.Path, "experiments", "data", "mnist"), run.Config.DataDir);
        // The reference's LSTM decodes c (docs/models.md §2.7); nnRNN's comparison decodes h, as a standard LSTM does.
        Assert.All(sweep.Runs.Where(r => r.Config.Model.Name == "lstm"), r => Assert.Equal(file.StartsWith("nnrnn") ? "hidden" : "cell", r.Config.LstmReadout));
        Assert.All(sweep.Runs, r => Assert.Equal(r.Config, RunConfigBuilder.Build(r.Options)));
    }

    [SkippableFact]
    public void Every_file_in_experiments_is_covered_by_the_paper_grid_test()
    {
        var covered = typeof(RepositorySweepFileTests).GetMethod(nameof(Paper_grid_expands_to_its_table_rows_times_the_seeds))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).First()[0]).Order();
        var files = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "experiments"), "*.yaml").Select(Path.GetFileName).Order();
        Assert.Equal(files, covered);
    }

    [SkippableFact]
    public void Paper_grid_without_its_data_names_the_missing_folder()
    {
        var folder = new SweepFolder();
        var copy = folder.Write("smnist.yaml", File.ReadAllText(PaperGrid("smnist.yaml")));
        var e = Assert.Throws<ConfigurationException>(() => SweepFileReader.Read(copy));
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(copy)}:\d+:3: data_dir {System.Text.RegularExpressions.Regex.Escape(Path.Combine(folder.Path, "data", "mnist"))} does not exist", e.Message);
    }

    static string Row(PlannedRun r) => string.Join(' ', r.Config.Model, r.Config.HiddenSize, Rate(r.Config.RmspropLr), Rate(r.Config.RmspropConstrLr),
        r.Config.Alpha.ToString(CultureInfo.InvariantCulture), r.Config.ClipNorm.ToString(CultureInfo.InvariantCulture));

    static string Rate(double x) => x.ToString("0.###e0", CultureInfo.InvariantCulture);
}
