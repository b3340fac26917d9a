using System.Globalization;
using System.Text.RegularExpressions;
using AsRnnGrid.Actors.Sweep.Gpu;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AsRnnGrid.Actors.Grid;

/// <summary>
/// Reads the node tree of an experiments.yaml into a <see cref="SweepFile"/>: every key known, every value of
/// the right shape and parsed by its option, every experiment named once. Errors point at the key or value.
/// </summary>
static partial class SweepFileParser
{
    const string Defaults = "defaults", Experiments = "experiments", Results = "results";
    const string Name = "name", Grid = "grid", Variants = "variants", Seeds = "seeds", Scheduler = "scheduler";

    /// <summary>Sweep-level numbers: name, integer or not, range.</summary>
    static readonly (string Name, bool Integer, double Min, double Max)[] Numbers =
    [
        ("max_retries", true, 0, 1000),
        ("retry_backoff", false, 0, 1e6),
        ("quarantine_after", true, 1, 1000),
        ("slots_per_gpu", true, 1, 64),
        ("cpu_slots", true, 1, 1024),
        ("heartbeat_timeout", false, 1, 1e6),
        ("max_runs", true, 1, 1e8),
        ("gpu_min_free_mib", true, 0, GpuOptions.MaxMinFreeMiB),
    ];

    const string GpuShareKey = "gpu_share";

    static readonly string[] SweepKeys = [Results, .. Numbers.Select(n => n.Name), GpuShareKey, Defaults, Experiments];
    static readonly string[] ExperimentKeys = [Name, Grid, Variants, Seeds, Scheduler];
    static readonly string[] SchedulerKeys = ["type", "metric", "mode", "rung", "reduction", "seeds"];

    public static SweepFile Parse(YamlFile yaml)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(yaml.File))!;
        if (yaml.Root is null)
            throw new ConfigurationException($"{yaml.File}:1:1: empty file; expected defaults: and experiments:");
        var root = yaml.Mapping(yaml.Root, "experiments file");

        var settings = new SweepDefinition { File = Path.GetFullPath(yaml.File), Results = Path.Combine(folder, "results"), Runs = [] };
        IReadOnlyList<OptionSetting> defaults = [];
        SchedulerEntry? defaultScheduler = null;
        IReadOnlyList<ExperimentEntry>? experiments = null;
        foreach (var (key, keyNode, value) in yaml.Entries(root))
        {
            switch (key)
            {
                case Results:
                    var text = yaml.Scalar(value, key).Value ?? "";
                    if (text.Trim().Length == 0) throw yaml.Error(value, "results: expected a folder");
                    var results = Path.GetFullPath(Path.Combine(folder, text.Trim()));
                    // `run` creates it: what it refuses, `validate` refuses.
                    if (FolderPath.Problem(results) is { } problem) throw yaml.Error(value, $"results: {results} {problem}");
                    settings = settings with { Results = results };
                    break;
                case Defaults:
                    (defaults, defaultScheduler) = ParseDefaults(yaml, value);
                    break;
                case Experiments:
                    experiments = ParseExperiments(yaml, value);
                    break;
                case GpuShareKey:
                    settings = settings with { GpuShare = ParseEnum<GpuShare>(yaml, yaml.Scalar(value, key), key) };
                    break;
                default:
                    var number = Numbers.FirstOrDefault(n => n.Name == key);
                    if (number.Name is null) throw UnknownSweepKey(yaml, key, keyNode);
                    settings = WithNumber(settings, key, ParseNumber(yaml, yaml.Scalar(value, key), number));
                    break;
            }
        }
        if (experiments is null) throw yaml.Error(root, "no experiments: (the list of experiments to run)");
        return new SweepFile(settings, defaults, experiments, defaultScheduler);
    }

    static ConfigurationException UnknownSweepKey(YamlFile yaml, string key, YamlNode keyNode)
    {
        if (TrainOption.Find(key) is not null)
            return yaml.Error(keyNode, $"{key} is a train option: put it under defaults: or in an experiment");
        if (key == Scheduler)
            return yaml.Error(keyNode, $"{key} belongs to an experiment (an item of experiments:) or to defaults:");
        if (ExperimentKeys.Contains(key))
            return yaml.Error(keyNode, $"{key} belongs to an experiment (an item of experiments:)");
        return yaml.Error(keyNode, $"unknown key '{key}'{NearestName.Suggestion(key, SweepKeys)}");
    }

    static SweepDefinition WithNumber(SweepDefinition s, string key, double x) => key switch
    {
        "max_retries" => s with { MaxRetries = (int)x },
        "retry_backoff" => s with { RetryBackoffSeconds = x },
        "quarantine_after" => s with { QuarantineAfter = (int)x },
        "slots_per_gpu" => s with { SlotsPerGpu = (int)x },
        "cpu_slots" => s with { CpuSlots = (int)x },
        "heartbeat_timeout" => s with { HeartbeatTimeoutSeconds = x },
        "max_runs" => s with { MaxRuns = (int)x },
        "gpu_min_free_mib" => s with { GpuMinFreeMiB = (long)x },
        _ => throw new InvalidOperationException(key),
    };

    static double ParseNumber(YamlFile yaml, YamlScalarNode node, (string Name, bool Integer, double Min, double Max) number)
    {
        var text = (node.Value ?? "").Trim();
        double x;
        if (number.Integer)
        {
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                throw yaml.Error(node, $"{number.Name}: '{text}' is not an integer");
            x = n;
        }
        else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out x) || !double.IsFinite(x))
            throw yaml.Error(node, $"{number.Name}: '{text}' is not a number");
        if (x < number.Min || x > number.Max)
            throw yaml.Error(node, FormattableString.Invariant($"{number.Name}: {x} is out of range [{number.Min}, {number.Max}]"));
        return x;
    }

    /// <summary>A value spelled as the enum's one spelling (<see cref="EnumText"/>).</summary>
    static T ParseEnum<T>(YamlFile yaml, YamlScalarNode node, string key) where T : struct, Enum
    {
        var text = (node.Value ?? "").Trim();
        if (EnumText.TryParse<T>(text, out var value)) return value;
        var names = Enum.GetValues<T>().Select(v => v.Text()).ToArray();
        throw yaml.Error(node, $"{key}: '{text}' is not one of {string.Join(", ", names)}{NearestName.Suggestion(text, names)}");
    }

    static (IReadOnlyList<OptionSetting>, SchedulerEntry?) ParseDefaults(YamlFile yaml, YamlNode node)
    {
        var settings = new List<OptionSetting>();
        SchedulerEntry? scheduler = null;
        foreach (var (key, keyNode, value) in yaml.Entries(yaml.Mapping(node, Defaults)))
        {
            if (key == Scheduler)
            {
                scheduler = ParseScheduler(yaml, keyNode, value);
                continue;
            }
            if (ExperimentKeys.Contains(key))
                throw yaml.Error(keyNode, $"{key} belongs to an experiment, not to defaults:");
            settings.Add(Option(yaml, key, keyNode, value));
        }
        return (settings, scheduler);
    }

    /// <summary>
    /// `scheduler:`: each key's value parsed and checked on its own (type, metric, mode and seeds among their names, rung
    /// N iterations or N epochs, reduction an integer of at least 2); what depends on the runs is checked once they are expanded.
    /// </summary>
    static SchedulerEntry ParseScheduler(YamlFile yaml, YamlScalarNode keyNode, YamlNode node)
    {
        var entry = new SchedulerEntry(keyNode.Start, null, null, null, null, null, null);
        foreach (var (key, subKeyNode, value) in yaml.Entries(yaml.Mapping(node, Scheduler)))
        {
            var scalar = yaml.Scalar(value, key);
            var text = (scalar.Value ?? "").Trim();
            switch (key)
            {
                case "type": entry = entry with { Type = Named<SchedulerType>(yaml, scalar, key) }; break;
                case "metric": entry = entry with { Metric = Named<PointMetric>(yaml, scalar, key) }; break;
                case "mode": entry = entry with { Mode = Named<MetricMode>(yaml, scalar, key) }; break;
                case "seeds": entry = entry with { Seeds = Named<SeedGrouping>(yaml, scalar, key) }; break;
                case "rung":
                    var rung = TrainingPoint.Parse(text) ?? throw yaml.Error(scalar, $"rung: '{text}' is not N iterations or N epochs (N a positive integer)");
                    entry = entry with { Rung = new(rung, scalar.Start) };
                    break;
                case "reduction":
                    if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var reduction))
                        throw yaml.Error(scalar, $"reduction: '{text}' is not an integer");
                    if (reduction is < 2 or > 1000)
                        throw yaml.Error(scalar, $"reduction: {reduction} is out of range [2, 1000] (each rung keeps the best 1/reduction)");
                    entry = entry with { Reduction = new(reduction, scalar.Start) };
                    break;
                default:
                    throw yaml.Error(subKeyNode, $"unknown key '{key}' in scheduler:{NearestName.Suggestion(key, SchedulerKeys)}");
            }
        }
        return entry;
    }

    static Written<T> Named<T>(YamlFile yaml, YamlScalarNode scalar, string key) where T : struct, Enum => new(ParseEnum<T>(yaml, scalar, key), scalar.Start);

    static IReadOnlyList<ExperimentEntry> ParseExperiments(YamlFile yaml, YamlNode node)
    {
        var experiments = new List<ExperimentEntry>();
        var names = new Dictionary<string, Mark>(StringComparer.Ordinal);
        foreach (var item in yaml.List(node, Experiments).Children)
        {
            var experiment = ParseExperiment(yaml, yaml.Mapping(item, "experiment"));
            if (names.TryGetValue(experiment.Name, out var first))
                throw yaml.Error(experiment.NameAt, $"experiment name '{experiment.Name}' is already used at {first.Line}:{first.Column}");
            names.Add(experiment.Name, experiment.NameAt);
            experiments.Add(experiment);
        }
        return experiments;
    }

    static ExperimentEntry ParseExperiment(YamlFile yaml, YamlMappingNode map)
    {
        string? name = null;
        Mark nameAt = map.Start;
        var fixedSettings = new List<OptionSetting>();
        var grid = new List<GridAxis>();
        var variants = new List<Variant>();
        var seeds = new List<OptionSetting>();
        SchedulerEntry? scheduler = null;
        foreach (var (key, keyNode, value) in yaml.Entries(map))
        {
            switch (key)
            {
                case Name:
                    var nameNode = yaml.Scalar(value, Name);
                    name = nameNode.Value ?? "";
                    if (!ValidName().IsMatch(name))
                        throw yaml.Error(nameNode, $"name '{name}': use letters, digits, '_', '.' and '-' only");
                    nameAt = nameNode.Start;
                    break;
                case Grid:
                    var axes = yaml.Mapping(value, Grid);
                    if (axes.Children.Count == 0) throw yaml.Error(value, "grid: no keys");
                    foreach (var (axisKey, axisKeyNode, values) in yaml.Entries(axes))
                    {
                        CheckOptionKey(yaml, axisKey, axisKeyNode, TrainOption.Names);
                        grid.Add(new GridAxis(axisKey, yaml.List(values, axisKey).Children
                            .Select(v => Option(yaml, axisKey, axisKeyNode, v)).ToList()));
                    }
                    break;
                case Variants:
                    foreach (var variant in yaml.List(value, Variants).Children)
                        variants.Add(new Variant(variant.Start, yaml.Entries(yaml.Mapping(variant, "variant"))
                            .Select(e => Option(yaml, e.Key, e.KeyNode, e.Value)).ToList()));
                    break;
                case Seeds:
                    foreach (var seed in yaml.List(value, Seeds).Children)
                        seeds.Add(Seed(yaml, keyNode, seed));
                    break;
                case Scheduler:
                    scheduler = ParseScheduler(yaml, keyNode, value);
                    break;
                default:
                    CheckOptionKey(yaml, key, keyNode, [.. ExperimentKeys, .. TrainOption.Names]);
                    if (value is YamlSequenceNode)
                        throw yaml.Error(value, $"{key}: expected a single value, found a list (a list of values to try goes under grid:)");
                    fixedSettings.Add(Option(yaml, key, keyNode, value));
                    break;
            }
        }
        if (name is null) throw yaml.Error(map, "experiment has no name:");
        return new ExperimentEntry(name, map.Start, nameAt, fixedSettings, grid, variants, seeds, scheduler);
    }

    static void CheckOptionKey(YamlFile yaml, string key, YamlNode keyNode, IEnumerable<string> valid)
    {
        if (TrainOption.Find(key) is null)
            throw yaml.Error(keyNode, $"unknown key '{key}'{NearestName.Suggestion(key, valid)}");
    }

    /// <summary>A train option's value: one scalar that the option parses (its message, at the value's position).</summary>
    static OptionSetting Option(YamlFile yaml, string key, YamlScalarNode keyNode, YamlNode value)
    {
        CheckOptionKey(yaml, key, keyNode, TrainOption.Names);
        var scalar = yaml.Scalar(value, key);
        var text = (scalar.Value ?? "").Trim();
        try
        {
            TrainOption.Get(key).Parse(text);
        }
        catch (ConfigurationException e)
        {
            throw yaml.Error(scalar, e.Message);
        }
        return new OptionSetting(key, text, keyNode.Start, scalar.Start);
    }

    /// <summary>A seed is a random_seed value; its errors say seeds, the key the user wrote.</summary>
    static OptionSetting Seed(YamlFile yaml, YamlScalarNode keyNode, YamlNode value)
    {
        const string option = "random_seed";
        var scalar = yaml.Scalar(value, Seeds);
        var text = (scalar.Value ?? "").Trim();
        try
        {
            TrainOption.Get(option).Parse(text);
        }
        catch (ConfigurationException e)
        {
            throw yaml.Error(scalar, Seeds + e.Message[option.Length..]);
        }
        return new OptionSetting(option, text, keyNode.Start, scalar.Start);
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex ValidName();
}
