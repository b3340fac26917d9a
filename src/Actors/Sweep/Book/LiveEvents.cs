using AsRnnGrid.Actors.Sweep.Gpu;

namespace AsRnnGrid.Actors.Sweep.Book;

/// <summary>
/// The book's events that are not journalled: what only this supervisor's session knows (which trainer holds what,
/// progress numbers, backoffs, the stop) and the decisions that are effects only (ask a trainer to stop). A restarted
/// supervisor starts without them: its trainers register again and report again.
/// </summary>
public static class LiveEvents
{
    public interface ILiveEvent : IBookEvent;

    /// <summary>The ledger is replayed and its recovery decisions are journalled: the book may hand out work.</summary>
    public sealed record Recovered : ILiveEvent
    {
        public static readonly Recovered Instance = new();
    }

    public sealed record TrainerJoined(TrainerId Trainer, SlotAddress Address, DateTime At) : ILiveEvent;

    /// <summary>The trainer asked for work, with its GPU's reading and its worker's GPU options (null for a CPU slot).</summary>
    public sealed record TrainerWaiting(TrainerId Trainer, GpuReading? Gpu = null, GpuOptions? GpuOptions = null) : ILiveEvent;

    /// <summary>A waiting trainer read its GPU again.</summary>
    public sealed record TrainerGpuRead(TrainerId Trainer, GpuReading Gpu) : ILiveEvent;

    /// <summary>The trainer's GPU lacks room for the run it would take next: it waits (<paramref name="Began"/>: it was not waiting for room before).</summary>
    public sealed record SlotWaitsForRoom(TrainerId Trainer, string Shortfall, bool Began) : ILiveEvent;

    /// <summary>Nothing waits for the trainer any more: it no longer waits for room, only for work.</summary>
    public sealed record SlotRoomWaitOver(TrainerId Trainer) : ILiveEvent;

    public sealed record TrainerLeft(TrainerId Trainer) : ILiveEvent;

    /// <summary>Follows the journalled RunStarted: the effect is the AssignRun to the trainer (with early stopping's next rung, <paramref name="Pause"/>).</summary>
    public sealed record RunHandedOut(string RunId, int Attempt, TrainerId Trainer, DateTime At, SweepProtocol.RungTarget? Pause = null) : ILiveEvent;

    /// <summary>A log point or a heartbeat of the running attempt: its numbers (null where the report had none keep the last ones).</summary>
    public sealed record RunProgressed(SweepProtocol.RunProgress Report, DateTime At) : ILiveEvent;

    /// <summary>Word from the running attempt (besides its journalled resume or checkpoint); <paramref name="Step"/> where it moves the step shown.</summary>
    public sealed record RunHeard(string RunId, DateTime At, long? Step) : ILiveEvent;

    /// <summary>A report of an attempt that is not the one running on that trainer (an old attempt, another trainer): ignored.</summary>
    public sealed record LateReportIgnored(string RunId, int Attempt, TrainerId Trainer) : ILiveEvent;

    /// <summary>The effect: StopRun to the trainer holding the attempt.</summary>
    public sealed record StopAsked(TrainerId Trainer, string RunId, int Attempt, string Reason) : ILiveEvent;

    /// <summary>The failed run waits out <paramref name="Backoff"/>, until <paramref name="DueAt"/>.</summary>
    public sealed record RetryScheduled(string RunId, DateTime DueAt, TimeSpan Backoff) : ILiveEvent;

    /// <summary>Its backoff is over: pending again.</summary>
    public sealed record RetryDue(string RunId) : ILiveEvent;

    /// <summary>A run failed on the device (towards quarantine: different runs failing on it in a row).</summary>
    public sealed record DeviceFailureCounted(DeviceId Device, string RunId) : ILiveEvent;

    /// <summary>A run completed on the device: the count towards quarantine starts again.</summary>
    public sealed record DeviceFailuresCleared(DeviceId Device) : ILiveEvent;

    /// <summary>An attempt ran out of GPU memory on the device (towards pausing a slot: such attempts in a row).</summary>
    public sealed record DeviceOutOfMemoryCounted(DeviceId Device) : ILiveEvent;

    /// <summary>The trainer takes no run until <paramref name="Until"/>; its device's count of out-of-memory attempts starts again.</summary>
    public sealed record SlotPaused(TrainerId Trainer, DateTime Until, string Reason) : ILiveEvent;

    public sealed record SweepStopping(string Reason) : ILiveEvent;
}
