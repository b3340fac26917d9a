using System.Globalization;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace AsRnnGrid.Actors.Tests.BadInputs;

/// <summary>
/// One file of the bad-input corpus (tests/Actors.Tests/BadInputs/*.yaml, described in README.md there): the folder to
/// build (files, copies, damage), the asrnn-grid command to run in it, and the exit code and error line it must give.
/// </summary>
public sealed record BadInputCase(
    string Name,
    IReadOnlyList<string> Command,
    int Exit,
    IReadOnlyList<string> Error,
    IReadOnlyList<(string Path, byte[] Bytes)> Files,
    IReadOnlyList<(string Path, string Source)> Copies,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Edits)
{
    public static string Folder => Path.Combine(RepositoryPaths.Root, "tests", "Actors.Tests", "BadInputs");

    public static IEnumerable<string> Names() => Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static BadInputCase Read(string name)
    {
        var path = Path.Combine(Folder, name + ".yaml");
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        string[] known = ["command", "exit", "error", "files", "copy", "edits"];
        foreach (var key in root.Children.Keys)
            if (!known.Contains(((YamlScalarNode)key).Value))
                throw new InvalidDataException($"{path}: unknown key {key} (known: {string.Join(", ", known)})");
        var error = root.Children.TryGetValue("error", out var e) ? Strings(e) : [];
        if (error.Count == 0) throw new InvalidDataException($"{path}: error: names what the one error line must say");
        return new BadInputCase(
            name,
            Strings(root.Children["command"]),
            root.Children.TryGetValue("exit", out var exit) ? int.Parse(((YamlScalarNode)exit).Value!, CultureInfo.InvariantCulture) : 2,
            error,
            Map(root, "files").Select(kv => (kv.Key, Content((YamlScalarNode)kv.Value))).ToList(),
            Map(root, "copy").Select(kv => (kv.Key, ((YamlScalarNode)kv.Value).Value!)).ToList(),
            root.Children.TryGetValue("edits", out var edits)
                ? ((YamlSequenceNode)edits).Children.Select(n => (IReadOnlyDictionary<string, string>)((YamlMappingNode)n).Children
                    .ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!)).ToList()
                : []);
    }

    static IReadOnlyList<string> Strings(YamlNode node) => node is YamlSequenceNode list
        ? list.Children.Select(c => ((YamlScalarNode)c).Value!).ToList()
        : [((YamlScalarNode)node).Value!];

    static IEnumerable<KeyValuePair<string, YamlNode>> Map(YamlMappingNode root, string key) => root.Children.TryGetValue(key, out var node)
        ? ((YamlMappingNode)node).Children.Select(kv => new KeyValuePair<string, YamlNode>(((YamlScalarNode)kv.Key).Value!, kv.Value))
        : [];

    /// <summary>A file's bytes: the text as UTF-8, or base64 under the !!binary tag (bytes that are not UTF-8 text).</summary>
    static byte[] Content(YamlScalarNode node) => node.Tag is { IsEmpty: false, IsNonSpecific: false } tag && tag.Value == "tag:yaml.org,2002:binary"
        ? Convert.FromBase64String(node.Value!)
        : Encoding.UTF8.GetBytes(node.Value!);

    public override string ToString() => Name;
}
