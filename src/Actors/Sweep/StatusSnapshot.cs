using AsRnnGrid.Actors.Sweep.Book;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>The book as sweep-status.json shows it: every run of the plan and every trainer slot, at one moment, and the sweep's progress tallied on the way.</summary>
public static class StatusSnapshot
{
    public static SweepStatus Of(SweepBook book, string sweepFile, DateTimeOffset updated)
    {
        var runs = new RunStatus[book.Plan.Count];
        var progress = new SweepProgress.Tally();
        for (int i = 0; i < runs.Length; i++) progress.Add(runs[i] = Run(book.Plan[i]));
        var devices = book.Trainers
            .OrderBy(t => t.Address.Node, StringComparer.Ordinal).ThenBy(t => t.Address.Device, StringComparer.Ordinal).ThenBy(t => t.Address.Slot)
            .Select(t => new DeviceStatus
            {
                Node = t.Address.Node,
                Device = t.Address.Label,
                State = t.Gone ? DeviceState.Gone
                    : book.IsQuarantined(t.Address.DeviceId) ? DeviceState.Quarantined
                    : t.Run is not null ? DeviceState.Busy
                    : t.PausedAt(updated.UtcDateTime) ? DeviceState.Paused
                    : t.RoomShortfall is not null ? DeviceState.Waiting
                    : DeviceState.Idle,
                Run = t.Run,
                Note = t.Gone || t.Run is not null ? null
                    : t.PausedAt(updated.UtcDateTime) ? $"until {new DateTimeOffset(t.PausedUntil!.Value, TimeSpan.Zero).ToLocalTime():HH:mm:ss}: {t.PauseReason}"
                    : t.RoomShortfall,
                ConsecutiveFailures = book.FailuresInARow(t.Address.DeviceId),
            }).ToArray();
        return new SweepStatus
        {
            SweepFile = sweepFile,
            Updated = updated,
            State = book.Ended is null ? SweepState.Running
                : book.Count(RunState.Completed) + book.Count(RunState.Failed) == book.Plan.Count ? SweepState.Finished
                : SweepState.Stopped,
            Runs = runs,
            Devices = devices,
            Progress = progress.Build(SweepProgress.UsableSlots(devices)),
        };
    }

    static RunStatus Run(BookRun r)
    {
        var plan = r.Plan!;
        var config = plan.Config;
        var summary = r.Summary;
        var attempts = new AttemptStatus[r.Attempts.Count];
        for (int i = 0; i < attempts.Length; i++)
        {
            var a = r.Attempts[i];
            attempts[i] = new AttemptStatus
            {
                Attempt = a.Attempt, Node = a.Node, Device = a.Device, Started = a.Started, ResumedFrom = a.ResumedFrom, Outcome = a.OutcomeText,
            };
        }
        return new RunStatus
        {
            Id = r.Id,
            Experiment = r.Experiment,
            Label = plan.Label.Text,
            // Left out where it is the label (no seed varies): the file of a big sweep stays smaller.
            ConfigurationLabel = plan.Label.Configuration == plan.Label.Text ? null : plan.Label.Configuration,
            Task = config.Task.Name,
            Model = config.Model.Name,
            HiddenSize = config.HiddenSize,
            Seed = config.RandomSeed,
            State = r.State,
            Attempt = r.Attempt,
            Failures = r.Failures,
            Node = r.Node,
            Device = r.Device,
            Step = summary?.Steps ?? r.Step ?? r.CheckpointStep ?? 0,
            TotalSteps = r.TotalSteps ?? (config.IsEpochTask ? null : config.Iterations),
            CheckpointStep = r.CheckpointStep,
            Loss = summary?.FinalLoss ?? r.Loss,
            Metric = summary?.Metric ?? r.Metric,
            MetricName = summary?.MetricName ?? r.MetricName,
            IterationsPerSecond = r.State == RunState.Running ? r.IterationsPerSecond : null,
            Elapsed = summary?.Elapsed ?? r.Elapsed,
            Reason = r.Reason,
            Folder = Path.Combine("runs", r.Id),
            Attempts = attempts,
        };
    }
}
