using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Actors.Grid;
using YamlDotNet.RepresentationModel;

namespace AsRnnGrid.Actors.Cli;

/// <summary>Reads a run.yaml (a flat mapping of train options) into option values, with file:line:column in every error.</summary>
public static class RunYamlReader
{
    public static IEnumerable<KeyValuePair<string, string>> Read(string path)
    {
        var root = SweepYaml.Load(path).Root;
        if (root is null) return [];
        if (root is not YamlMappingNode map)
            throw new ConfigurationException($"{path}:{root.Start.Line}: expected a mapping of option: value");
        var values = new List<KeyValuePair<string, string>>();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (valueNode is not YamlScalarNode scalar)
                throw new ConfigurationException($"{path}:{valueNode.Start.Line}:{valueNode.Start.Column}: {key}: expected a single value");
            if (TrainOption.Find(key) is null)
                throw new ConfigurationException($"{path}:{keyNode.Start.Line}:{keyNode.Start.Column}: unknown option '{key}'{NearestName.Suggestion(key, TrainOption.Names)}");
            values.Add(new(key, scalar.Value ?? ""));
        }
        return values;
    }
}
