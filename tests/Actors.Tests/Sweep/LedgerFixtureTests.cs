using System.Text.Json;
using System.Text.Json.Nodes;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Book;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>
/// A ledger written by an earlier asrnn-grid (Fixtures/ledger-v1: made by its make-ledger.sh with the real supervisor
/// of that version) replays to the state that version recovered from it, written down in expected-state.json.
/// </summary>
public sealed class LedgerFixtureTests
{
    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Sweep", "Fixtures", "ledger-v1", name);

    [Fact]
    public async Task A_ledger_written_by_the_first_version_replays_to_the_same_state()
    {
        var events = await LedgerReplay.EventsOf(Fixture("ledger.db"));
        Assert.Equal(76, events.Count);
        // No plan: every run is one the ledger knows (as for a sweep file that no longer lists them).
        var ledger = new SweepBook([], new SweepPolicy());
        foreach (var e in events) ledger.Apply(e);

        var expected = JsonNode.Parse(File.ReadAllText(Fixture("expected-state.json")));
        var actual = Describe(ledger);
        Assert.Equal(expected!.ToJsonString(Indented), actual.ToJsonString(Indented));
    }

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The recovered state in the fixture's terms: every run by id, its attempts, the quarantined devices.</summary>
    static JsonObject Describe(SweepBook ledger) => new()
    {
        ["runs"] = new JsonArray(ledger.Runs.OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => (JsonNode)new JsonObject
        {
            ["id"] = r.Id,
            ["experiment"] = r.Experiment,
            ["config_hash"] = r.ConfigHash,
            ["state"] = r.State.Text(),
            ["attempt"] = r.Attempt,
            ["failures"] = r.Failures,
            ["node"] = r.Node,
            ["device"] = r.Device,
            ["checkpoint_step"] = r.CheckpointStep,
            ["reason"] = r.Reason,
            ["summary"] = r.Summary is { } s ? new JsonObject
            {
                ["steps"] = s.Steps, ["final_loss"] = s.FinalLoss, ["metric"] = s.Metric, ["metric_name"] = s.MetricName, ["elapsed"] = s.Elapsed,
            } : null,
            ["attempts"] = new JsonArray(r.Attempts.Select(a => (JsonNode)new JsonObject
            {
                ["attempt"] = a.Attempt, ["node"] = a.Node, ["device"] = a.Device, ["started"] = a.Started.ToString("O"),
                ["resumed_from"] = a.ResumedFrom, ["outcome"] = a.OutcomeText,
            }).ToArray()),
        }).ToArray()),
        ["quarantined"] = new JsonArray(ledger.Quarantines.Select(q => (JsonNode)new JsonObject
        {
            ["node"] = q.Node, ["device"] = q.Device, ["reason"] = q.Reason,
        }).ToArray()),
    };
}
