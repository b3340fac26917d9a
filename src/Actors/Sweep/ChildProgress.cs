using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// One line of `asrnn-grid train --progress json`: what a train child tells the trainer actor that started it, written by
/// the child and read by the trainer with these same types. On the line it is one flat JSON object whose "event" names
/// the kind (started, resumed, log, heartbeat, checkpoint, warning, finished); a log line holds metrics.jsonl's fields and
/// a finished line result.json's.
/// </summary>
public abstract record ChildProgress
{
    /// <summary>The run trains: its parameter count, its device and, once known, the optimiser steps of the whole run.</summary>
    public sealed record Started(
        [property: JsonPropertyName("parameters")] long Parameters,
        [property: JsonPropertyName("device")] string Device,
        [property: JsonPropertyName("total_steps")] long? TotalSteps) : ChildProgress;

    /// <summary>The run continued from a checkpoint at this step.</summary>
    public sealed record Resumed(
        [property: JsonPropertyName("step")] long Step,
        [property: JsonPropertyName("epoch")] int Epoch,
        [property: JsonPropertyName("checkpoint")] string Checkpoint) : ChildProgress;

    /// <summary>A log point, as metrics.jsonl holds it.</summary>
    public sealed record Logged(MetricsPoint Point) : ChildProgress;

    /// <summary>Alive between log points.</summary>
    public sealed record Heartbeat(
        [property: JsonPropertyName("step")] long Step,
        [property: JsonPropertyName("elapsed")] double Elapsed) : ChildProgress;

    /// <summary>A checkpoint of this step is on disk.</summary>
    public sealed record CheckpointWritten(
        [property: JsonPropertyName("step")] long Step,
        [property: JsonPropertyName("path")] string Path,
        [property: JsonPropertyName("seconds")] double Seconds) : ChildProgress;

    public sealed record Warning([property: JsonPropertyName("message")] string Message) : ChildProgress;

    /// <summary>The run ended: its result.json.</summary>
    public sealed record Finished(RunResult Result) : ChildProgress;

    const string EventKey = "event";

    /// <summary>Each kind's name on the line.</summary>
    static readonly (string Name, Type Type)[] Kinds =
    [
        ("started", typeof(Started)), ("resumed", typeof(Resumed)), ("log", typeof(Logged)), ("heartbeat", typeof(Heartbeat)),
        ("checkpoint", typeof(CheckpointWritten)), ("warning", typeof(Warning)), ("finished", typeof(Finished)),
    ];

    static readonly JsonSerializerOptions Plain = new();

    /// <summary>The line the child writes (no line break).</summary>
    public string ToLine()
    {
        var body = this switch
        {
            Logged l => JsonSerializer.SerializeToNode(l.Point, MetricsJson.Options)!.AsObject(),
            Finished f => JsonSerializer.SerializeToNode(f.Result, MetricsJson.Options)!.AsObject(),
            _ => JsonSerializer.SerializeToNode(this, GetType(), Plain)!.AsObject(),
        };
        var line = new JsonObject { [EventKey] = Kinds.First(k => k.Type == GetType()).Name };
        foreach (var (key, value) in body.ToArray())
        {
            body.Remove(key);
            line[key] = value;
        }
        return line.ToJsonString();
    }

    /// <summary>
    /// The progress a line reports, or null for a line that is none (a library printing to stdout, an event this build
    /// does not know, a line cut short): such lines are ignored rather than failing the run.
    /// </summary>
    public static ChildProgress? Parse(string line)
    {
        if (!line.StartsWith('{')) return null;
        try
        {
            if (JsonNode.Parse(line) is not JsonObject o || o[EventKey] is not JsonValue e || !e.TryGetValue<string>(out var name)) return null;
            var type = Kinds.FirstOrDefault(k => k.Name == name).Type;
            if (type == typeof(Logged)) return new Logged(o.Deserialize<MetricsPoint>(MetricsJson.Options)!);
            if (type == typeof(Finished)) return new Finished(o.Deserialize<RunResult>(MetricsJson.Options)!);
            return type is null ? null : (ChildProgress?)o.Deserialize(type, Plain);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
