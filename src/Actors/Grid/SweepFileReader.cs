using AsRnnGrid.Training.Configuration;
namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// Reads an experiments.yaml into a <see cref="SweepDefinition"/>: sweep settings and every run, expanded and
/// checked (options, combinations, data files, unique ids), and each experiment's early stopping checked against its runs. Any problem is one ConfigurationException reading
/// `FILE:LINE:COL: what is wrong` (`FILE: no such file` when there is none).
/// </summary>
public static class SweepFileReader
{
    public static SweepDefinition Read(string path)
    {
        var yaml = YamlFile.Load(path);
        var file = SweepFileParser.Parse(yaml);
        var (runs, notes) = SweepExpansion.Expand(yaml, file);
        var earlyStopping = new Dictionary<string, EarlyStopping>(StringComparer.Ordinal);
        foreach (var experiment in file.Experiments)
        {
            var scheduler = experiment.Scheduler?.Over(file.DefaultScheduler) ?? file.DefaultScheduler;
            if (scheduler?.Resolve(yaml, experiment.Name, runs.Where(r => r.Experiment == experiment.Name).ToList()) is { } resolved)
                earlyStopping[experiment.Name] = resolved;
        }
        return file.Settings with { Runs = runs, Notes = notes, EarlyStopping = earlyStopping };
    }
}
