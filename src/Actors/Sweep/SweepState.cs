using System.Text.Json.Serialization;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// The sweep as sweep-status.json shows it. "crashed" is never written: a stale "running" with an old update time
/// means it (`status` says so).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<SweepState>))]
public enum SweepState
{
    [JsonStringEnumMemberName("running")] Running,
    /// <summary>Every run completed, failed or stopped early.</summary>
    [JsonStringEnumMemberName("finished")] Finished,
    /// <summary>Ended with runs not done (asked to stop, or stalled): `run` again resumes.</summary>
    [JsonStringEnumMemberName("stopped")] Stopped,
}
