using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using System.Globalization;
using System.Text.Json;
using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Report;

/// <summary>
/// Reads a results folder without touching it: sweep-status.json for the runs and their states (or, where no sweep
/// wrote one, the folders under runs/), and each run's run.yaml, result.json and metrics.jsonl.
/// A run whose files cannot be read is still reported, with the problem as its reason; the report never fails for one run.
/// </summary>
public static class ResultsFolder
{
    public static IReadOnlyList<ReportRun> Read(string results, Action<string> warn)
    {
        if (!Directory.Exists(results)) throw new ConfigurationException($"{results}: no such results folder");
        var status = SweepStatus.Read(results);
        if (status is not null)
            return Labelled(status.Runs.Select(r =>
            {
                try { return FromStatus(results, r, warn) with { RungTable = status.RungTables?.FirstOrDefault(t => t.Experiment == r.Experiment) }; }
                catch (ConfigurationException e) { throw new ConfigurationException($"{SweepStatus.PathIn(results)}: run {r.Id}: {e.Message}"); }
            }).ToList());
        var runs = Path.Combine(results, "runs");
        if (!Directory.Exists(runs))
            throw new ConfigurationException($"{results}: neither {SweepStatus.FileName} nor a runs/ folder; is this a results folder?");
        return Labelled(Directory.GetDirectories(runs).Order(StringComparer.Ordinal)
            .Select(folder => FromFolder(folder, warn)).OfType<ReportRun>().ToList());
    }

    /// <summary>Stands for a label the sweep did not write (a status file of an earlier version, no status file), until <see cref="Labelled"/> makes one.</summary>
    static readonly RunLabel Unlabelled = RunLabel.Plain("");

    /// <summary>
    /// The runs with a label each: the sweep's where its status file has them; else, for the whole experiment, labels made from
    /// its runs' configurations (every trajectory option in which they differ, in the options' order).
    /// </summary>
    static List<ReportRun> Labelled(List<ReportRun> runs)
    {
        foreach (var experiment in Enumerable.Range(0, runs.Count).GroupBy(i => runs[i].Experiment, StringComparer.Ordinal))
        {
            var indices = experiment.ToList();
            if (indices.All(i => !ReferenceEquals(runs[i].Label, Unlabelled))) continue;
            var labels = RunLabels.FromConfigs(indices.Select(i => (runs[i].Id, runs[i].Config)).ToList());
            for (int k = 0; k < indices.Count; k++) runs[indices[k]] = runs[indices[k]] with { Label = labels[k] };
        }
        return runs;
    }

    static ReportRun FromStatus(string results, RunStatus status, Action<string> warn)
    {
        var folder = Path.Combine(results, status.Folder);
        var (config, fromRun, configProblem) = ReadConfig(folder, status.Task, status.Model, status.HiddenSize, status.Seed);
        var (result, resultProblem) = ReadResult(folder);
        foreach (var problem in new[] { configProblem, resultProblem }.OfType<string>()) warn(problem);
        return new ReportRun
        {
            Id = status.Id,
            Experiment = status.Experiment,
            Label = status.Label is { } label ? new RunLabel(label, status.ConfigurationLabel ?? label) : Unlabelled,
            Folder = folder,
            // The report counts the sweep's states beside result.json's own ("stopped"), by their names.
            State = status.State.Text(),
            Reason = status.Reason ?? result?.Reason ?? configProblem ?? resultProblem,
            Config = config,
            ConfigFromRun = fromRun,
            Result = result,
            Points = MetricsLog.Read(Path.Combine(folder, "metrics.jsonl"), warn),
        };
    }

    /// <summary>A run folder without a sweep: experiment is the folder's name up to its last '-' (the id is experiment-hash).</summary>
    static ReportRun? FromFolder(string folder, Action<string> warn)
    {
        var id = Path.GetFileName(folder);
        var runYaml = Path.Combine(folder, "run.yaml");
        if (!File.Exists(runYaml))
        {
            warn($"{folder}: no run.yaml, left out");
            return null;
        }
        var (config, fromRun, configProblem) = ReadConfig(folder, null, null, 2, 0);
        if (!fromRun)
        {
            warn(configProblem!);
            return null;
        }
        var (result, resultProblem) = ReadResult(folder);
        if (resultProblem is not null) warn(resultProblem);
        int dash = id.LastIndexOf('-');
        return new ReportRun
        {
            Id = id,
            Experiment = dash > 0 ? id[..dash] : id,
            Label = Unlabelled,
            Folder = folder,
            // Without the supervisor's word a folder with no result is taken as running (it may also have been abandoned).
            State = result?.Status ?? "running",
            Reason = result?.Reason ?? resultProblem,
            Config = config,
            ConfigFromRun = true,
            Result = result,
            Points = MetricsLog.Read(Path.Combine(folder, "metrics.jsonl"), warn),
        };
    }

    static (RunConfig Config, bool FromRun, string? Problem) ReadConfig(string folder, string? task, string? model, int hidden, long seed)
    {
        var runYaml = Path.Combine(folder, "run.yaml");
        string? problem = null;
        if (File.Exists(runYaml))
        {
            try
            {
                return (RunYaml.Read(runYaml), true, null);
            }
            catch (ConfigurationException e)
            {
                problem = $"{runYaml}: unreadable ({e.Message})";
            }
        }
        // Not started yet (or unreadable): the task's defaults with what the sweep says of the run.
        var defaults = new RunConfig();
        var config = (task is null ? defaults.Task : TaskKind.Parse(task)).Defaults with
        {
            Model = model is null ? defaults.Model : ModelKind.Parse(model), RandomSeed = seed,
        };
        if (hidden > 0) config = config with { HiddenSize = hidden };
        return (config, false, problem);
    }

    static (RunResult? Result, string? Problem) ReadResult(string folder)
    {
        var (result, problem) = RunResult.TryRead(Path.Combine(folder, "result.json"));
        return problem is null ? (result, null) : (null, $"{problem} (unreadable result)");
    }
}
