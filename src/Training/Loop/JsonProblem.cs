using System.Text.Json;
using System.Text.RegularExpressions;

namespace AsRnnGrid.Training.Loop;

/// <summary>
/// System.Text.Json's exceptions in a person's words: the place in the file and what is wrong there, without the .NET type
/// names and the advice for programmers its messages carry ("could not be converted to AsRnnGrid.Actors.Sweep.RunStatus").
/// </summary>
public static partial class JsonProblem
{
    /// <summary>`PATH:LINE:COL: what` (1-based), or `PATH: what` where the exception knows no position.</summary>
    public static string At(string path, JsonException e) =>
        e.LineNumber is { } line ? $"{path}:{line + 1}:{(e.BytePositionInLine ?? 0) + 1}: {What(e)}" : $"{path}: {What(e)}";

    /// <summary>What is wrong, and at which JSON path (`$.runs[0].state`), without the position in the file.</summary>
    public static string What(JsonException e)
    {
        var at = e.Path is { Length: > 1 } path ? $" at {path}" : "";
        var message = Whitespace().Replace(e.Message, " ");
        return Missing().Match(message) is { Success: true } m ? $"missing {m.Groups[1].Value}{at}"
            : Converted().Match(message) is { Success: true } c ? $"{Expected(c.Groups[1].Value)}{at}"
            : $"{DotNetNames().Replace(message.Split(" Path: ", 2)[0].Split(" LineNumber: ", 2)[0], "a value").TrimEnd('.', ' ')}{at}";
    }

    /// <summary>The kind of value a .NET type is written as in JSON.</summary>
    static string Expected(string type) => type switch
    {
        "System.String" => "expected text",
        "System.Boolean" => "expected true or false",
        "System.DateTime" or "System.DateTimeOffset" => "expected a time",
        _ when type.StartsWith("System.Nullable`1[[System.DateT", StringComparison.Ordinal) => "expected a time",
        _ when NumberTypes().IsMatch(type) => "expected a number",
        _ when type.StartsWith("System.Collections.", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) => "expected a list",
        _ => Find(type) switch
        {
            { IsEnum: true } => "not a name this version knows",
            { IsClass: true } => "expected an object",
            _ => "a value of the wrong kind",
        },
    };

    static Type? Find(string name) => AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is not null);

    [GeneratedRegex(@"could not be converted to (\S+?)\.? (Path|LineNumber|$)")]
    private static partial Regex Converted();

    [GeneratedRegex(@"System\.(Nullable`1\[\[System\.)?(U?Int(16|32|64)|Double|Single|Decimal|Byte)")]
    private static partial Regex NumberTypes();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"was missing required properties,? including: (.*?)\.?$")]
    private static partial Regex Missing();

    [GeneratedRegex(@"'?(System|AsRnnGrid)\.[\w.`+\[\], ]+'?")]
    private static partial Regex DotNetNames();
}
