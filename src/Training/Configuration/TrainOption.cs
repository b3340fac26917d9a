using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using System.Globalization;
using System.Reflection;

namespace AsRnnGrid.Training.Configuration;

/// <summary>One option of `asrnn-grid train` (and key of experiments.yaml): its name, type, checks and property.</summary>
public sealed class TrainOption
{
    readonly PropertyInfo _property;

    TrainOption(PropertyInfo property, TrainOptionAttribute attribute)
    {
        _property = property;
        Attribute = attribute;
    }

    public TrainOptionAttribute Attribute { get; }
    public string Name => Attribute.Name;
    public Type ValueType => _property.PropertyType;

    /// <summary>A value written as quoted text in run.yaml (names and choices), not as a number or a flag.</summary>
    public bool IsText => ValueType == typeof(string) || ValueType == typeof(TaskKind) || ValueType == typeof(ModelKind);

    /// <summary>The values the option takes where it is a choice (a task, a model, a choice of text); empty otherwise.</summary>
    public IReadOnlyList<string> Choices =>
        ValueType == typeof(TaskKind) ? TaskRegistry.Tasks.Names
        : ValueType == typeof(ModelKind) ? ModelRegistry.Models.Names
        : Attribute.Choices;

    /// <summary>The option's help; a choice without its own help lists its values.</summary>
    public string Help => Attribute.Help.Length > 0 ? Attribute.Help : string.Join(" | ", Choices);

    /// <summary>Every option in declaration order.</summary>
    public static IReadOnlyList<TrainOption> All { get; } = typeof(RunConfig)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => (p, a: p.GetCustomAttribute<TrainOptionAttribute>()))
        .Where(x => x.a is not null)
        .OrderBy(x => x.p.MetadataToken)
        .Select(x => new TrainOption(x.p, x.a!))
        .ToArray();

    static readonly Dictionary<string, TrainOption> ByName = All.ToDictionary(o => o.Name, StringComparer.Ordinal);

    public static IEnumerable<string> Names => All.Select(o => o.Name);

    public static TrainOption? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The option named so, or a one-line error with the nearest valid name.</summary>
    public static TrainOption Get(string name) => Find(name)
        ?? throw new ConfigurationException($"unknown option '{name}'{NearestName.Suggestion(name, Names)}");

    public object? GetValue(RunConfig config) => _property.GetValue(config);

    /// <summary>Formats the value as run.yaml and the config hash write it (invariant culture, round-trippable).</summary>
    public string Format(RunConfig config) => GetValue(config) switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var v => v?.ToString() ?? "",
    };

    /// <summary>Parses <paramref name="text"/>, checks type, choices and range, and returns a copy of the config with it set.</summary>
    public RunConfig Apply(RunConfig config, string text)
    {
        object value = Parse(text);
        var copy = config with { };
        _property.SetValue(copy, value);
        return copy;
    }

    public object Parse(string text)
    {
        text = text.Trim();
        if (Choices.Count > 0 && !Choices.Contains(text))
            throw new ConfigurationException($"{Name}: '{text}' is not one of {string.Join(", ", Choices)}{NearestName.Suggestion(text, Choices)}");
        if (ValueType == typeof(TaskKind)) return TaskRegistry.Tasks.Parse(text);
        if (ValueType == typeof(ModelKind)) return ModelRegistry.Models.Parse(text);
        if (ValueType == typeof(string))
        {
            if (Name == "K" && text != "infty" && (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) || k < 1))
                throw new ConfigurationException($"K: '{text}' is neither a positive integer nor infty");
            return text;
        }
        if (ValueType == typeof(int) || ValueType == typeof(long))
        {
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                throw new ConfigurationException($"{Name}: '{text}' is not an integer");
            CheckRange(n);
            return ValueType == typeof(int) ? (object)(int)n : n;
        }
        if (ValueType == typeof(double))
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x))
                throw new ConfigurationException($"{Name}: '{text}' is not a number");
            CheckRange(x);
            return x;
        }
        if (ValueType == typeof(bool))
        {
            return text.ToLowerInvariant() switch
            {
                "true" or "yes" or "1" => true,
                "false" or "no" or "0" => false,
                _ => throw new ConfigurationException($"{Name}: '{text}' is not true or false"),
            };
        }
        throw new InvalidOperationException($"option {Name} has an unsupported type {ValueType}");
    }

    void CheckRange(double x)
    {
        if (x < Attribute.Min || x > Attribute.Max)
            throw new ConfigurationException(
                $"{Name}: {x.ToString(CultureInfo.InvariantCulture)} is out of range [{Attribute.Min.ToString(CultureInfo.InvariantCulture)}, {Attribute.Max.ToString(CultureInfo.InvariantCulture)}]");
    }
}
