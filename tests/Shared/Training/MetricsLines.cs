using System.Text.Json.Nodes;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Tests;

/// <summary>A metrics.jsonl as lines to compare runs by: every field but those that time a run (the only ones allowed to differ).</summary>
public static class MetricsLines
{
    public static string[] WithoutTime(string file) => File.ReadAllLines(file)
        .Select(line =>
        {
            var o = JsonNode.Parse(line)!.AsObject();
            foreach (var field in MetricsPoint.TimingFields) o.Remove(field);
            return o.ToJsonString();
        }).ToArray();
}
