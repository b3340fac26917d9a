using AsRnnGrid.Training.Configuration;
namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// Reads an experiments.yaml into a <see cref="SweepDefinition"/>: sweep settings and every run, expanded and
/// checked (options, combinations, data files, unique ids). Any problem is one ConfigurationException reading
/// `FILE:LINE:COL: what is wrong` (`FILE: no such file` when there is none).
/// </summary>
public static class SweepFileReader
{
    public static SweepDefinition Read(string path)
    {
        var yaml = YamlFile.Load(path);
        var file = SweepFileParser.Parse(yaml);
        var (runs, notes) = SweepExpansion.Expand(yaml, file);
        return file.Settings with { Runs = runs, Notes = notes };
    }
}
