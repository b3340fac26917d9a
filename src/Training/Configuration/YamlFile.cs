using System.Text.RegularExpressions;
using AsRnnGrid.Data;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace AsRnnGrid.Training.Configuration;

/// <summary>
/// A YAML file (an experiments.yaml, a run.yaml) loaded as YamlDotNet's node tree, and the shape checks its readers share:
/// each error is one <see cref="ConfigurationException"/> reading `FILE:LINE:COL: what is wrong`. The one place a YAML
/// file is read: strict UTF-8 (<see cref="Utf8Text"/>) and at most <see cref="MaxDepth"/> levels of nesting, checked
/// as the parser goes (YamlDotNet builds its node tree recursively: a document nested 40,000 deep overflows the stack).
/// </summary>
public sealed partial class YamlFile
{
    YamlFile(string file, YamlNode? root)
    {
        File = file;
        Root = root;
    }

    /// <summary>The path as the user gave it (errors name it so).</summary>
    public string File { get; }

    /// <summary>The document's root node; null for an empty file.</summary>
    public YamlNode? Root { get; }

    /// <summary>Lists and mappings inside one another: an experiments file needs five levels; no file of ours needs more than this.</summary>
    public const int MaxDepth = 64;

    public static YamlFile Load(string path)
    {
        if (Directory.Exists(path)) throw new ConfigurationException($"{path}: is a folder, not a YAML file");
        if (!System.IO.File.Exists(path)) throw new ConfigurationException($"{path}: no such file");
        string text;
        try
        {
            text = Utf8Text.Read(path);
        }
        catch (DataFileException e)
        {
            throw new ConfigurationException(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path}: cannot read: {e.Message}");
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new DepthLimit(new Parser(new StringReader(text))));
        }
        catch (YamlException e)
        {
            throw new ConfigurationException($"{path}:{e.Start.Line}:{e.Start.Column}: {WithoutMarks(e)}");
        }
        if (stream.Documents.Count > 1)
            throw new ConfigurationException($"{path}:{stream.Documents[1].RootNode.Start.Line}:{stream.Documents[1].RootNode.Start.Column}: a second YAML document; this file must hold one");
        return new YamlFile(path, stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode);
    }

    public ConfigurationException Error(Mark at, string message) => new($"{File}:{at.Line}:{at.Column}: {message}");

    public ConfigurationException Error(YamlNode at, string message) => Error(at.Start, message);

    public YamlMappingNode Mapping(YamlNode node, string what) => node as YamlMappingNode
        ?? throw Error(node, $"{what}: expected a mapping of key: value, found {Describe(node)}");

    public YamlSequenceNode List(YamlNode node, string what)
    {
        var list = node as YamlSequenceNode ?? throw Error(node, $"{what}: expected a list, found {Describe(node)}");
        if (list.Children.Count == 0) throw Error(node, $"{what}: empty list");
        return list;
    }

    public YamlScalarNode Scalar(YamlNode node, string what) => node as YamlScalarNode
        ?? throw Error(node, $"{what}: expected a single value, found {Describe(node)}");

    /// <summary>The mapping's entries with their key names (a key must be a plain name).</summary>
    public IEnumerable<(string Key, YamlScalarNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map)
    {
        foreach (var (keyNode, value) in map.Children)
        {
            var key = keyNode as YamlScalarNode ?? throw Error(keyNode, $"expected a key name, found {Describe(keyNode)}");
            yield return (key.Value ?? "", key, value);
        }
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        YamlScalarNode s => $"'{s.Value}'",
        _ => node.NodeType.ToString(),
    };

    /// <summary>YamlDotNet puts "(Line: 3, Col: 5, Idx: 20) - (Line: ...): " before its message; the position is ours to write.</summary>
    static string WithoutMarks(YamlException e)
    {
        var message = MarksPrefix().Replace(e.Message, "");
        return e.InnerException is { } inner && message.Length == 0 ? inner.Message : message;
    }

    /// <summary>The parser's events, refused past <see cref="MaxDepth"/> open lists and mappings (at the one that goes too deep).</summary>
    sealed class DepthLimit(IParser inner) : IParser
    {
        int _depth;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext()) return false;
            switch (inner.Current)
            {
                case SequenceStart or MappingStart when ++_depth > MaxDepth:
                    throw new YamlException(inner.Current.Start, inner.Current.End,
                        $"nested more than {MaxDepth} levels deep (lists and mappings inside one another)");
                case SequenceEnd or MappingEnd:
                    _depth--;
                    break;
            }
            return true;
        }
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarksPrefix();
}
