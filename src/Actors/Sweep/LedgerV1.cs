using System.Text.Json;
using System.Text.Json.Serialization;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// Ledger version 1 (asrnn-grid before the ledger was versioned; manifests "v1/LedgerEvents.NAME"), read into today's
/// events. Every event but AttemptEnded has today's shape. AttemptEnded said CountsAsFailure instead of its outcome, and
/// version 1 wrote the reason of an attempt a restarted supervisor found running as "interrupted: the supervisor
/// stopped", which it then showed prefixed once more ("interrupted: interrupted: ..."): the prefix is dropped here.
/// </summary>
public static class LedgerV1
{
    public const string ManifestPrefix = "v1/LedgerEvents.";
    const string DoubledPrefix = "interrupted: ";

    sealed record AttemptEndedV1(
        [property: JsonPropertyName("RunId")] string RunId,
        [property: JsonPropertyName("Attempt")] int Attempt,
        [property: JsonPropertyName("Reason")] string Reason,
        [property: JsonPropertyName("CountsAsFailure")] bool CountsAsFailure,
        [property: JsonPropertyName("Node")] string? Node,
        [property: JsonPropertyName("Device")] string? Device)
    {
        public AttemptEnded Upcast() => new(RunId, Attempt,
            CountsAsFailure ? AttemptOutcome.Failed : AttemptOutcome.Interrupted,
            !CountsAsFailure && Reason.StartsWith(DoubledPrefix, StringComparison.Ordinal) ? Reason[DoubledPrefix.Length..] : Reason,
            Node, Device);
    }

    static readonly Dictionary<string, Type> SameShape = new[]
    {
        typeof(RunPlanned), typeof(RunStarted), typeof(RunResumed), typeof(RunCheckpointed), typeof(RunCompleted),
        typeof(RunGaveUp), typeof(RunReset), typeof(DeviceQuarantined),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The version-1 event named <paramref name="name"/> as today's event; null for a name version 1 did not have.</summary>
    public static ILedgerEvent? Read(string name, byte[] bytes, JsonSerializerOptions json) =>
        name == nameof(AttemptEnded) ? JsonSerializer.Deserialize<AttemptEndedV1>(bytes, json)?.Upcast()
        : SameShape.TryGetValue(name, out var type) ? (ILedgerEvent?)JsonSerializer.Deserialize(bytes, type, json)
        : null;
}
