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
            // The book decided how the sweep ended; a stalled sweep reads as stopped (its runs resume on the next start).
            State = book.Ended switch
            {
                null => SweepState.Running,
                { State: SweepEnd.Finished } => SweepState.Finished,
                _ => SweepState.Stopped,
            },
            Runs = runs,
            Devices = devices,
            Progress = progress.Build(SweepProgress.UsableSlots(devices)),
            RungTables = book.Ladders.Count == 0 ? null : book.Ladders.Select(Table).ToArray(),
        };
    }

    static RungTable Table(RungLadder ladder) => new()
    {
        Experiment = ladder.Experiment,
        Metric = ladder.Settings.Metric.Text(),
        Mode = ladder.Settings.Mode.Text(),
        Reduction = ladder.Settings.Reduction,
        Seeds = ladder.Settings.Seeds.Text(),
        Unit = ladder.Unit.Text(),
        Rungs = ladder.Rungs,
        Configurations = ladder.Groups.Select(g => new RungTableRow
        {
            Label = g.Label,
            Runs = g.Runs.Select(r => r.Id).ToArray(),
            Values = ladder.Rungs.Select(u => g.TryValueAt(u, ladder.Settings.Metric, out var v) ? v : null).ToArray(),
            Promoted = g.Runs.SelectMany(r => r.PromotedFrom).Distinct().Order().ToArray(),
            StoppedAt = g.Runs.FirstOrDefault(r => r.State == RunState.StoppedEarly)?.LastRung,
            State = string.Join(", ", g.Runs.GroupBy(r => r.State).OrderBy(s => s.Key)
                .Select(s => g.Runs.Count == s.Count() ? s.Key.Text() : $"{s.Count()} {s.Key.Text()}")),
        }).ToArray(),
    };

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
            RungCount = r.Group?.Rungs.Count,
            Rungs = r.Group is null ? null : r.RungResults.Select(x => new RungStatus { Rung = x.Rung, Step = x.Step, Metric = x.Metric.Text(), Value = x.Value }).ToArray(),
            NextRung = r.State is RunState.Pending or RunState.Running or RunState.Retrying ? RungLadder.NextRung(r)?.Count : null,
        };
    }
}
