using System.Text.Json;
using System.Text.Json.Serialization;

namespace AsRnnGrid.Training.Configuration;

/// <summary>A kind of something a run is made of (a model, a task), known by the name it has in files and on the command line.</summary>
public interface INamedKind<TSelf> where TSelf : class, INamedKind<TSelf>
{
    /// <summary>The name in run.yaml, experiments.yaml, --model / --task and result.json.</summary>
    string Name { get; }

    /// <summary>The kind of that name, or a one-line <see cref="ConfigurationException"/> listing the valid names.</summary>
    static abstract TSelf Parse(string name);
}

/// <summary>
/// Every registered kind of one sort, in registry order (the order of --help and of the choices an error lists): text is
/// turned into a kind here and nowhere else.
/// </summary>
public sealed class KindRegistry<T> where T : class, INamedKind<T>
{
    readonly string _what;
    readonly Dictionary<string, T> _byName;

    public KindRegistry(string what, IReadOnlyList<T> all)
    {
        _what = what;
        All = all;
        _byName = all.ToDictionary(k => k.Name, StringComparer.Ordinal);
        Names = all.Select(k => k.Name).ToArray();
    }

    public IReadOnlyList<T> All { get; }

    public IReadOnlyList<string> Names { get; }

    public T? Find(string name) => _byName.GetValueOrDefault(name);

    public T Parse(string name) => Find(name)
        ?? throw new ConfigurationException($"unknown {_what} '{name}' (expected {NameList.Or(Names)})");
}

/// <summary>Names in a sentence: "a, b and c", "a, b or c".</summary>
public static class NameList
{
    public static string And(IEnumerable<string> names) => Join(names, "and");

    public static string Or(IEnumerable<string> names) => Join(names, "or");

    static string Join(IEnumerable<string> names, string last)
    {
        var list = names.ToList();
        return list.Count <= 1 ? string.Concat(list) : $"{string.Join(", ", list[..^1])} {last} {list[^1]}";
    }
}

/// <summary>A kind in JSON (a message between nodes, a file) is its name.</summary>
public sealed class KindJsonConverter<T> : JsonConverter<T> where T : class, INamedKind<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => T.Parse(reader.GetString() ?? throw new JsonException($"expected the name of a {typeof(T).Name}"));

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
}
