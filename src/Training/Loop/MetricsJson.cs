using System.Text.Json;
using System.Text.Json.Serialization;

namespace AsRnnGrid.Training.Loop;

/// <summary>JSON settings of metrics.jsonl and result.json: fields without a value are left out.</summary>
public static class MetricsJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };
}
