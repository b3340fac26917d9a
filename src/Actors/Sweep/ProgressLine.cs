using System.Text.Json;
using System.Text.Json.Nodes;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// One line of `asrnn-grid train --progress json`, read into the protocol's terms. Lines that are not JSON
/// objects (a library printing to stdout) are ignored rather than failing the run.
/// </summary>
public sealed record ProgressLine(string Event, JsonObject Body)
{
    public static ProgressLine? Parse(string line)
    {
        if (!line.StartsWith('{')) return null;
        try
        {
            return JsonNode.Parse(line) is JsonObject o && o["event"]?.GetValue<string>() is { } e ? new ProgressLine(e, o) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public long Step => Long("step") ?? 0;
    public long? TotalSteps => Long("total_steps");
    public string? Text(string key) => Body[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public double? Number(string key) => Body[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    long? Long(string key) => Body[key] is JsonValue v && v.TryGetValue<long>(out var l) ? l : null;

    /// <summary>The task's headline number in a log point: test accuracy or validation bpc at an epoch's end, else the training accuracy or bpc.</summary>
    public (double? Value, string? Name) Metric() =>
        Number("test_accuracy") is { } ta ? (ta, "test acc")
        : Number("valid_bpc") is { } vb ? (vb, "valid bpc")
        : Number("accuracy") is { } a ? (a, "acc")
        : Number("bpc") is { } b ? (b, "bpc")
        : (null, null);

    /// <summary>The summary of a "finished" line (result.json's fields).</summary>
    public SweepProtocol.RunSummary Summary()
    {
        var (metric, name) =
            Number("best_test_accuracy") is { } acc ? (acc, "best test acc")
            : Number("test_bpc") is { } bpc ? (bpc, "test bpc")
            : Number("final_accuracy") is { } fa ? (fa, "acc")
            : ((double?)null, (string?)null);
        return new SweepProtocol.RunSummary(Step is > 0 ? Step : Long("steps") ?? 0, Number("final_loss"), metric, name, Number("elapsed") ?? 0);
    }
}
