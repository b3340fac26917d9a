using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Cli;

/// <summary>Machine-readable progress on stdout for the sweep's trainer actors: one <see cref="ChildProgress"/> line per event.</summary>
public sealed class JsonProgressObserver(TextWriter output) : ITrainingObserver
{
    readonly object _gate = new();
    long? _totalSteps;

    void Emit(ChildProgress progress)
    {
        var line = progress.ToLine();
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    public void Planned(long totalSteps) => _totalSteps = totalSteps;

    public void Started(long parameters, string device) => Emit(new ChildProgress.Started(parameters, device, _totalSteps));

    public void Heartbeat(long step, double elapsed) => Emit(new ChildProgress.Heartbeat(step, elapsed));

    public void Resumed(long step, int epoch, string checkpoint) => Emit(new ChildProgress.Resumed(step, epoch, checkpoint));

    public void Logged(MetricsPoint point) => Emit(new ChildProgress.Logged(point));

    public void CheckpointWritten(long step, string path, double seconds) => Emit(new ChildProgress.CheckpointWritten(step, path, seconds));

    public void Warning(string message) => Emit(new ChildProgress.Warning(message));

    public void Finished(RunResult result) => Emit(new ChildProgress.Finished(result));
}
