using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Tests.Grid;

/// <summary>`scheduler:` in a sweep file: read per experiment or from defaults: key by key, checked against every run it applies to.</summary>
public class SchedulerFileTests
{
    const string Copy = "defaults: { task: copy, iterations: 300, log_every: 10 }\nexperiments:\n  - name: a\n";

    static SweepDefinition Read(string yaml) => SweepFileReader.Read(new SweepFolder().Write("s.yaml", yaml));

    [SkippableFact]
    public void An_experiments_scheduler_is_read_with_the_defaults_it_leaves_out()
    {
        var sweep = Read(Copy + "    scheduler: { type: asha, rung: 30 iterations }\n    seeds: [1, 2]\n");
        var asha = sweep.EarlyStopping["a"];
        // The metric defaults to the report's (copy: the training loss), its mode to the metric's direction.
        Assert.Equal(new EarlyStopping(PointMetric.Loss, MetricMode.Min, new TrainingPoint(30, TrainingUnit.Iterations), 3, SeedGrouping.Mean), asha);
        Assert.Equal([30L, 90L, 270L], asha.Rungs(sweep.Runs[0].Config).Select(r => r.Count));
        Assert.Equal("asha: loss (min) at 30, 90, 270 iterations, the best 1/3 of each rung go on, configurations by the mean over their seeds",
            asha.Describe(asha.Rungs(sweep.Runs[0].Config)));
    }

    [SkippableFact]
    public void Defaults_scheduler_applies_to_every_experiment_and_an_experiment_changes_it_key_by_key()
    {
        var sweep = Read("""
            defaults:
              task: copy
              iterations: 300
              scheduler: { type: asha, metric: accuracy, rung: 20 iterations, reduction: 2 }
            experiments:
              - name: a
              - name: b
                scheduler: { reduction: 4, seeds: each }
              - name: c
                scheduler: { type: none }
            """);
        Assert.Equal(new EarlyStopping(PointMetric.Accuracy, MetricMode.Max, new TrainingPoint(20, TrainingUnit.Iterations), 2, SeedGrouping.Mean), sweep.EarlyStopping["a"]);
        Assert.Equal(sweep.EarlyStopping["a"] with { Reduction = 4, Seeds = SeedGrouping.Each }, sweep.EarlyStopping["b"]);
        Assert.False(sweep.EarlyStopping.ContainsKey("c"));
    }

    [SkippableFact]
    public void An_epoch_task_takes_its_rungs_in_epochs_and_defaults_to_its_test_accuracy()
    {
        var folder = new SweepFolder();
        var path = folder.Write("m.yaml", $"defaults: {{ task: pmnist, epochs: 9, data_dir: {MnistSubset.Folder} }}\nexperiments:\n  - name: m\n    scheduler: {{ type: asha, rung: 1 epoch }}\n");
        var sweep = SweepFileReader.Read(path);
        var asha = sweep.EarlyStopping["m"];
        Assert.Equal((PointMetric.TestAccuracy, MetricMode.Max), (asha.Metric, asha.Mode));
        Assert.Equal([new TrainingPoint(1, TrainingUnit.Epochs), new TrainingPoint(3, TrainingUnit.Epochs)], asha.Rungs(sweep.Runs[0].Config));
    }

    [SkippableTheory]
    [InlineData(Copy + "    scheduler: { type: asha }\n", "{F}:4:5: experiment a: scheduler: type asha needs rung: (the first rung, N iterations or N epochs)")]
    [InlineData(Copy + "    scheduler: { type: asha, rung: 30 iterations, metric: test_accuracy }\n",
        "{F}:4:59: experiment a: scheduler: metric: copy does not report test_accuracy where its runs pause (it reports loss, accuracy)")]
    [InlineData(Copy + "    scheduler: { type: asha, rung: 300 iterations }\n",
        "{F}:4:36: experiment a: scheduler: rung: 300 iterations is not before the run's end (iterations: 300)")]
    [InlineData(Copy + "    scheduler: { type: asha, rung: 400 iterations }\n",
        "{F}:4:36: experiment a: scheduler: rung: 400 iterations is not before the run's end (iterations: 300)")]
    [InlineData(Copy + "    scheduler: { type: asha, rung: 25 iterations }\n",
        "{F}:4:36: experiment a: scheduler: rung: copy reports its metrics every log_every = 10 iterations: 25 iterations is not a multiple of it")]
    [InlineData(Copy + "    scheduler: { type: asha, rung: 1 epoch }\n",
        "{F}:4:36: experiment a: scheduler: rung: copy has no epochs (it is measured in iterations): give it in iterations, not 1 epoch")]
    [InlineData(Copy + "    scheduler: { type: asha, rung: 30 iterations, reduction: 1 }\n",
        "{F}:4:62: reduction: 1 is out of range [2, 1000] (each rung keeps the best 1/reduction)")]
    [InlineData(Copy + "    scheduler: { type: asha, rung: 30 iterations, reduction: 2.5 }\n", "{F}:4:62: reduction: '2.5' is not an integer")]
    [InlineData(Copy + "    scheduler: { type: hyperband }\n", "{F}:4:24: type: 'hyperband' is not one of none, asha")]
    [InlineData(Copy + "    scheduler: { type: asha, mode: maximise }\n", "{F}:4:36: mode: 'maximise' is not one of max, min")]
    [InlineData(Copy + "    scheduler: { type: asha, seeds: all }\n", "{F}:4:37: seeds: 'all' is not one of mean, each")]
    [InlineData(Copy + "    scheduler: { type: asha, metric: los }\n", "{F}:4:38: metric: 'los' is not one of loss, accuracy, bpc, test_loss, test_accuracy, valid_bpc, valid_accuracy, test_bpc (did you mean 'loss'?)")]
    [InlineData(Copy + "    scheduler: { type: asha, rung: 30 }\n", "{F}:4:36: rung: '30' is not N iterations or N epochs (N a positive integer)")]
    [InlineData(Copy + "    scheduler: { type: asha, rungs: 30 iterations }\n", "{F}:4:30: unknown key 'rungs' in scheduler: (did you mean 'rung'?)")]
    [InlineData(Copy + "    scheduler: asha\n", "{F}:4:16: scheduler: expected a mapping of key: value, found 'asha'")]
    [InlineData("scheduler: { type: asha }\n" + Copy, "{F}:1:1: scheduler belongs to an experiment (an item of experiments:) or to defaults:")]
    // Under defaults:, the error points into defaults: and names the experiment whose run it does not fit.
    [InlineData("defaults:\n  task: copy\n  iterations: 300\n  scheduler: { type: asha, rung: 30 iterations }\nexperiments:\n  - name: a\n  - name: short\n    iterations: 20\n",
        "{F}:4:34: experiment short: scheduler: rung: 30 iterations is not before the run's end (iterations: 20)")]
    // A grid that changes log_every: every run is checked.
    [InlineData(Copy + "    scheduler: { type: asha, rung: 30 iterations }\n    grid: { log_every: [10, 20] }\n",
        "{F}:4:36: experiment a: scheduler: rung: copy reports its metrics every log_every = 20 iterations: 30 iterations is not a multiple of it")]
    public void A_scheduler_that_does_not_fit_gives_one_error_with_its_position(string yaml, string expected)
    {
        var path = new SweepFolder().Write("bad.yaml", yaml);
        var e = Assert.Throws<ConfigurationException>(() => SweepFileReader.Read(path));
        Assert.Equal(expected.Replace("{F}", path), e.Message);
    }
}
