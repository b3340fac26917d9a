namespace AsRnnGrid.Training.Loop;

/// <summary>
/// What a run tells the outside world as it goes (the console, a JSON progress stream, a trainer actor).
/// Every event does nothing unless an observer says otherwise, so an observer names only what it listens to.
/// </summary>
public interface ITrainingObserver
{
    void Started(long parameters, string device) { }
    void Resumed(long step, int epoch, string checkpoint) { }
    void Logged(MetricsPoint point) { }
    void CheckpointWritten(long step, string path, double seconds) { }
    void Warning(string message) { }
    void Finished(RunResult result) { }

    /// <summary>Once, before <see cref="Started"/>: the optimiser steps of the whole run.</summary>
    void Planned(long totalSteps) { }

    /// <summary>Every few seconds while the run trains, between log points: it is alive (the sweep's trainers watch for silence).</summary>
    void Heartbeat(long step, double elapsed) { }
}
