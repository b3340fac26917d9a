using System.Text.Json.Serialization;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// Where a run of a sweep stands. The names are those sweep-status.json and `status --json` have always written.
/// The ledger journals the facts behind them (started, ended, completed, gave up), never the state itself.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunState>))]
public enum RunState
{
    /// <summary>Waiting for a trainer (never started, or its last attempt was interrupted, or it was reset).</summary>
    [JsonStringEnumMemberName("pending")] Pending,
    /// <summary>Its last attempt failed and it waits out its backoff; only the live supervisor knows it (a restart retries at once).</summary>
    [JsonStringEnumMemberName("retrying")] Retrying,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("completed")] Completed,
    /// <summary>Out of retries: the sweep went on without it (`run --retry-failed` gives it a fresh budget).</summary>
    [JsonStringEnumMemberName("failed")] Failed,
    /// <summary>Early stopping: it checkpointed at a rung and waits for the rung's verdict (promoted, or stopped early).</summary>
    [JsonStringEnumMemberName("paused")] Paused,
    /// <summary>
    /// Early stopping: it did not rank among the best of its rung, and stays at that rung's checkpoint; neither failed nor
    /// completed. `run --no-early-stop` (or a sweep file that no longer stops it) sends it on from there.
    /// </summary>
    [JsonStringEnumMemberName("stopped early")] StoppedEarly,
}
