using System.Text.Json.Serialization;
using AsRnnGrid.Actors.Sweep.Book;
using AsRnnGrid.Actors.Sweep.Gpu;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// What trainers and the <see cref="SweepSupervisor"/> say to each other. Trainers pull work: an idle trainer
/// asks, the supervisor answers with a run or keeps it waiting. Nothing here holds an actor reference, so a
/// trainer on another machine speaks the same protocol. Every report carries the run's attempt number: a late
/// report of an attempt the supervisor has already given up on is ignored.
/// </summary>
public static class SweepProtocol
{
    /// <summary>A worker node → supervisor: which sweep is this, and where are its results?</summary>
    public sealed record WorkerHello(string Node) : ISweepMessage;

    /// <summary>Supervisor → worker node: the results folder, which the worker must see at the same path, and the sweep file.</summary>
    public sealed record SweepInfo(string Results, string SweepFile, double HeartbeatTimeoutSeconds) : ISweepMessage;

    /// <summary>A worker node → supervisor: it cannot take part (it does not see the results folder, its token is wrong).</summary>
    public sealed record WorkerCannotJoin(string Node, string Reason) : ISweepMessage;

    /// <summary>
    /// Trainer → supervisor: this slot is free. Sent at start and after every run; a GPU slot sends its GPU as its node
    /// has just read it, and its worker's own gpu_min_free_mib and gpu_share (null for a CPU slot).
    /// </summary>
    public sealed record RequestWork(string Node, string Device, int Slot, string Token, GpuReading? Gpu = null, GpuOptions? GpuOptions = null) : ISweepMessage;

    /// <summary>
    /// Trainer → supervisor: its GPU, read again while it waits for work (the supervisor may now find room for a run). A
    /// message of its own, not a second RequestWork: one of those crossing an AssignRun would read as a lost report.
    /// </summary>
    public sealed record GpuChanged(GpuReading Gpu) : ISweepMessage;

    /// <summary>Supervisor → trainer: the registration was refused (wrong token, unknown sweep).</summary>
    public sealed record TrainerRefused(string Reason) : ISweepMessage;

    /// <summary>
    /// Supervisor → trainer: train this run in this folder. <paramref name="Config"/> is the run's configuration as the sweep
    /// resolved it; the folder's run.yaml, written from it before this message (<see cref="RunDispatch"/>), is what the child trains.
    /// <paramref name="TensorBoard"/> is where the child writes its TensorBoard events (an operational setting: no part of the
    /// configuration or its hash); null from a supervisor of an earlier version. <paramref name="Pause"/>: early stopping's
    /// next rung, where the child pauses (`train --pause-at`) and reports its metric; null: to the end.
    /// </summary>
    public sealed record AssignRun(string RunId, int Attempt, RunConfig Config, string Folder, string? TensorBoard = null, RungTarget? Pause = null) : ISweepMessage;

    /// <summary>Pause at <paramref name="At"/> and report <paramref name="Metric"/> there.</summary>
    public sealed record RungTarget(TrainingPoint At, PointMetric Metric);

    /// <summary>A paused attempt's rung: where it paused, at which optimiser step, and its metric there (null where its log line had none).</summary>
    public sealed record RungResult(TrainingPoint At, long Step, PointMetric Metric, double? Value);

    /// <summary>Trainer → supervisor: the run is alive (a log point, or a heartbeat with only the step).</summary>
    public sealed record RunProgress(string RunId, int Attempt, long Step, long? TotalSteps, double? Loss, double? Metric,
        string? MetricName, double? IterationsPerSecond, double? Elapsed) : ISweepMessage;

    /// <summary>Trainer → supervisor: the attempt continued from a checkpoint at this step.</summary>
    public sealed record RunResumed(string RunId, int Attempt, long Step) : ISweepMessage;

    /// <summary>Trainer → supervisor: a checkpoint of this step is on disk.</summary>
    public sealed record RunCheckpointed(string RunId, int Attempt, long Step) : ISweepMessage;

    /// <summary>
    /// Trainer → supervisor: the attempt is over (the book decides what that means for the run: <see cref="AttemptEndCause"/>).
    /// <paramref name="Rung"/> comes with <see cref="RunEndOutcome.Paused"/>.
    /// </summary>
    public sealed record RunEnded(string RunId, int Attempt, RunEndOutcome Outcome, string? Reason, RunSummary? Summary, RungResult? Rung = null) : ISweepMessage;

    /// <summary>How a trainer says its attempt ended; on the wire as the names below.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<RunEndOutcome>))]
    public enum RunEndOutcome
    {
        [JsonStringEnumMemberName("completed")] Completed,
        /// <summary>The child failed (an exception, a non-finite loss, a signal, silence past the trainer's heartbeat timeout).</summary>
        [JsonStringEnumMemberName("failed")] Failed,
        /// <summary>Asked to stop (the sweep stops, the node leaves): it checkpointed.</summary>
        [JsonStringEnumMemberName("stopped")] Stopped,
        /// <summary>The trainer was busy with another run and did not start this one.</summary>
        [JsonStringEnumMemberName("requeue")] Requeue,
        /// <summary>The child died of CUDA out-of-memory (libtorch's message in its error output: <see cref="CudaOutOfMemory"/>).</summary>
        [JsonStringEnumMemberName("out-of-memory")] OutOfMemory,
        /// <summary>It paused at its early-stopping rung after checkpointing there (<see cref="RunEnded.Rung"/> says where and what it measured).</summary>
        [JsonStringEnumMemberName("paused")] Paused,
    }

    /// <summary>Supervisor → trainer: stop this attempt (checkpoint and exit; killed after the grace period).</summary>
    public sealed record StopRun(string RunId, int Attempt, string Reason) : ISweepMessage;

    /// <summary>The run's summary numbers from its result.json. Journalled inside <see cref="LedgerEvents.RunCompleted"/>: its JSON names are pinned.</summary>
    public sealed record RunSummary(
        [property: JsonPropertyName("Steps")] long Steps,
        [property: JsonPropertyName("FinalLoss")] double? FinalLoss,
        [property: JsonPropertyName("Metric")] double? Metric,
        [property: JsonPropertyName("MetricName")] string? MetricName,
        [property: JsonPropertyName("Elapsed")] double Elapsed) : ISweepMessage
    {
        /// <summary>The summary of a run's result.json, with the task's headline metric.</summary>
        public static RunSummary Of(RunConfig config, RunResult result)
        {
            var (value, name) = config.Task.Summary(result);
            return new RunSummary(result.Steps, result.FinalLoss, value, name, result.Elapsed);
        }
    }
}

/// <summary>
/// What the process that hosts the supervisor (the `run` command, a test) says to it and hears from it.
/// These stay on the supervisor's node, so they are not <see cref="ISweepMessage"/>s.
/// </summary>
public static class SweepControl
{
    /// <summary>Checkpoint every run and stop (SIGINT, SIGTERM); the ledger keeps where each run was.</summary>
    public sealed record StopSweep(string Reason);

    /// <summary>Asks for a <see cref="SweepStatus"/> of this moment.</summary>
    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();
    }

    /// <summary>One line for a person: a run started, checkpointed, failed, completed; a device quarantined.</summary>
    public sealed record SweepNotice(DateTimeOffset At, string Text);

    /// <summary>The sweep is over: the book's last event, which the supervisor hands to the listener.</summary>
    public sealed record SweepEnded(SweepEnd State, int Completed, int Failed, int Retried, int NotDone, int StoppedEarly = 0) : LiveEvents.ILiveEvent;

    /// <summary>The supervisor cannot go on (its ledger cannot be read or written): the sweep ends with this reason, nothing changed.</summary>
    public sealed record SweepFailed(string Reason);
}
