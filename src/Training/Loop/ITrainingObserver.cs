namespace AsRnnGrid.Training.Loop;

/// <summary>What a run tells the outside world as it goes (the console, a JSON progress stream, a trainer actor).</summary>
public interface ITrainingObserver
{
    void Started(long parameters, string device);
    void Resumed(long step, int epoch, string checkpoint);
    void Logged(MetricsPoint point);
    void CheckpointWritten(long step, string path, double seconds);
    void Warning(string message);
    void Finished(RunResult result);
}
