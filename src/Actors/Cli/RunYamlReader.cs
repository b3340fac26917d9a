using AsRnnGrid.Training.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AsRnnGrid.Actors.Cli;

/// <summary>Reads a run.yaml (a flat mapping of train options) into option values, with file:line:column in every error.</summary>
public static class RunYamlReader
{
    public static IEnumerable<KeyValuePair<string, string>> Read(string path)
    {
        if (!File.Exists(path)) throw new ConfigurationException($"{path}: no such file");
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ConfigurationException($"{path}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count == 0) return [];
        if (stream.Documents[0].RootNode is not YamlMappingNode map)
            throw new ConfigurationException($"{path}:{stream.Documents[0].RootNode.Start.Line}: expected a mapping of option: value");
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
