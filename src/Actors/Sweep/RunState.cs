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
}
