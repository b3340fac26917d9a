using System.Text.Json.Serialization;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// How an attempt ended, as the ledger records it (<see cref="LedgerEvents.AttemptEnded"/>, from ledger version 2;
/// <see cref="OutOfMemory"/> from version 3) and sweep-status.json shows it ("completed", "failed: REASON",
/// "interrupted: REASON", "out-of-memory: REASON", "paused: at RUNG").
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<AttemptOutcome>))]
public enum AttemptOutcome
{
    [JsonStringEnumMemberName("completed")] Completed,
    /// <summary>The run's own failure: it spends one of max_retries.</summary>
    [JsonStringEnumMemberName("failed")] Failed,
    /// <summary>Not the run's fault (asked to stop, its trainer or node lost, the supervisor stopped): back in the queue, budget untouched.</summary>
    [JsonStringEnumMemberName("interrupted")] Interrupted,
    /// <summary>
    /// The child died of CUDA out-of-memory: a resource failure, not the run's. Retried after the backoff with the budget
    /// untouched, not counted towards quarantine; enough in a row on one device pause the slot. New in ledger version 3.
    /// </summary>
    [JsonStringEnumMemberName("out-of-memory")] OutOfMemory,
    /// <summary>It paused at an early-stopping rung (<see cref="LedgerEvents.RungReached"/> records it; never an AttemptEnded's outcome).</summary>
    [JsonStringEnumMemberName("paused")] Paused,
}
