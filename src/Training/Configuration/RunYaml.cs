using System.Globalization;
using System.Text;
using AsRnnGrid.Training.Checkpoints;
using YamlDotNet.RepresentationModel;

namespace AsRnnGrid.Training.Configuration;

/// <summary>
/// run.yaml, the resolved configuration of one run as a file: every option with its value, one per line, in the catalogue's
/// order, after a schema version. The one place that writes it and reads it back (the sweep writes it before a run is
/// dispatched, `train --config` reads it, the report reads it).
/// </summary>
public static class RunYaml
{
    public const string FileName = "run.yaml";

    /// <summary>The key of the format's version. A file without it (written before the key existed) is version 1.</summary>
    public const string SchemaKey = "schema_version";

    /// <summary>The version this build writes and the only one it reads.</summary>
    public const int Schema = 1;

    public static string Format(RunConfig config)
    {
        var sb = new StringBuilder();
        sb.Append("# resolved configuration of this run (asrnn-grid train); every default written out\n");
        sb.Append(SchemaKey).Append(": ").Append(Schema.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var option in TrainOption.All)
        {
            var value = option.Format(config);
            sb.Append(option.Name).Append(": ");
            sb.Append(option.IsText ? Quote(value) : value).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes <paramref name="path"/> so that a crash leaves the old file or the whole new one.</summary>
    public static void Write(string path, RunConfig config) => DurableFile.WriteAllText(path, Format(config));

    /// <summary>
    /// The option values of a run.yaml (a flat mapping of train options, each value checked by its option), in file order,
    /// without the schema key. Every error names the file, line and column.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ReadValues(string path)
    {
        var yaml = YamlFile.Load(path);
        if (yaml.Root is null) return [];
        if (yaml.Root is not YamlMappingNode map)
            throw yaml.Error(yaml.Root, "expected a mapping of option: value");
        var values = new List<KeyValuePair<string, string>>();
        foreach (var (key, keyNode, valueNode) in yaml.Entries(map))
        {
            if (valueNode is not YamlScalarNode scalar)
                throw yaml.Error(valueNode, $"{key}: expected a single value");
            var text = scalar.Value ?? "";
            if (key == SchemaKey)
            {
                CheckSchema(yaml, scalar, text);
                continue;
            }
            var option = TrainOption.Find(key)
                ?? throw yaml.Error(keyNode, $"unknown option '{key}'{NearestName.Suggestion(key, TrainOption.Names)}");
            try
            {
                option.Parse(text);
            }
            catch (ConfigurationException e)
            {
                throw yaml.Error(scalar, e.Message);
            }
            values.Add(new(key, text));
        }
        return values;
    }

    /// <summary>The run's configuration as the file holds it (the task's defaults under every value written).</summary>
    public static RunConfig Read(string path)
    {
        var values = ReadValues(path);
        try
        {
            return RunConfigBuilder.Build(values);
        }
        catch (ConfigurationException e)
        {
            throw new ConfigurationException($"{path}: {e.Message}");
        }
    }

    static void CheckSchema(YamlFile yaml, YamlScalarNode node, string text)
    {
        if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) && version == Schema) return;
        throw yaml.Error(node,
            $"{SchemaKey} '{text.Trim()}' is not a version this asrnn-grid reads (it reads {Schema}): the file was written by another asrnn-grid version");
    }

    static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
