using System.Text.Json;
using System.Text.Json.Nodes;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// Machine-readable progress on stdout, one JSON object per line, for the sweep's trainer actors:
/// {"event":"started"|"resumed"|"log"|"heartbeat"|"checkpoint"|"warning"|"finished", ...}.
/// </summary>
public sealed class JsonProgressObserver(TextWriter output) : ITrainingObserver
{
    readonly object _gate = new();
    long? _totalSteps;

    void Emit(JsonObject o)
    {
        lock (_gate)
        {
            output.WriteLine(o.ToJsonString());
            output.Flush();
        }
    }

    public void Planned(long totalSteps) => _totalSteps = totalSteps;

    public void Started(long parameters, string device) =>
        Emit(new() { ["event"] = "started", ["parameters"] = parameters, ["device"] = device, ["total_steps"] = _totalSteps });

    public void Heartbeat(long step, double elapsed) => Emit(new() { ["event"] = "heartbeat", ["step"] = step, ["elapsed"] = elapsed });

    public void Resumed(long step, int epoch, string checkpoint) =>
        Emit(new() { ["event"] = "resumed", ["step"] = step, ["epoch"] = epoch, ["checkpoint"] = checkpoint });

    public void Logged(MetricsPoint point)
    {
        var o = JsonSerializer.SerializeToNode(point, MetricsJson.Options)!.AsObject();
        o["event"] = "log";
        if (point.IterationsPerSecond is { } rate) o["iterations_per_second"] = rate;
        Emit(o);
    }

    public void CheckpointWritten(long step, string path, double seconds) =>
        Emit(new() { ["event"] = "checkpoint", ["step"] = step, ["path"] = path, ["seconds"] = seconds });

    public void Warning(string message) => Emit(new() { ["event"] = "warning", ["message"] = message });

    public void Finished(RunResult result)
    {
        var o = JsonSerializer.SerializeToNode(result, MetricsJson.Options)!.AsObject();
        o["event"] = "finished";
        Emit(o);
    }
}
