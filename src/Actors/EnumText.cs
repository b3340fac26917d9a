using System.Reflection;
using System.Text.Json.Serialization;

namespace AsRnnGrid.Actors;

/// <summary>
/// The name of an enum member where it meets a file or a person: its <see cref="JsonStringEnumMemberNameAttribute"/>,
/// the one place that spells it (the JSON of the ledger and of sweep-status.json uses the same attribute). Every member
/// of an enum read here must carry one: a missing name fails the first use, not a file written later.
/// </summary>
public static class EnumText
{
    public static string Text<T>(this T value) where T : struct, Enum => Names<T>.ByValue[value];

    public static bool TryParse<T>(string text, out T value) where T : struct, Enum => Names<T>.ByText.TryGetValue(text, out value);

    static class Names<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> ByValue = Enum.GetValues<T>().ToDictionary(v => v, v =>
            typeof(T).GetField(v.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
            ?? throw new InvalidOperationException($"{typeof(T).Name}.{v} has no JsonStringEnumMemberName"));

        public static readonly Dictionary<string, T> ByText = ByValue.ToDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);
    }
}
