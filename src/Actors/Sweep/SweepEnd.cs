using System.Text.Json.Serialization;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>How a sweep ended (<see cref="SweepControl.SweepEnded"/>); `run` turns it into its <see cref="ExitCode"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SweepEnd>))]
public enum SweepEnd
{
    /// <summary>Every run completed, failed or stopped early.</summary>
    [JsonStringEnumMemberName("finished")] Finished,
    /// <summary>Asked to stop: every run checkpointed.</summary>
    [JsonStringEnumMemberName("stopped")] Stopped,
    /// <summary>No device left in service on a supervisor with its own trainers.</summary>
    [JsonStringEnumMemberName("stalled")] Stalled,
    /// <summary>The cluster took the supervisor's node down before the end (the ledger keeps every run).</summary>
    [JsonStringEnumMemberName("aborted")] Aborted,
}
