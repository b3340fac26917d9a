using System.Text.Json;
using System.Text.Json.Nodes;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Book;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>
/// Ledgers written by earlier asrnn-grids (Fixtures/ledger-vN: each made by its make-ledger.sh with the real supervisor
/// of that version) replay to the state that version recovered from them, written down in expected-state.json.
/// </summary>
public sealed class LedgerFixtureTests
{
    static string Fixture(string version, string name) => Path.Combine(AppContext.BaseDirectory, "Sweep", "Fixtures", version, name);

    [Theory]
    [InlineData("ledger-v1", 76)]
    [InlineData("ledger-v2", 54)]
    [InlineData("ledger-v3", 81)]
    public async Task A_ledger_written_by_an_earlier_version_replays_to_the_same_state(string version, int count)
    {
        var events = await LedgerReplay.EventsOf(Fixture(version, "ledger.db"));
        Assert.Equal(count, events.Count);
        // No plan: every run is one the ledger knows (as for a sweep file that no longer lists them).
        var ledger = new SweepBook([], new SweepPolicy());
        foreach (var e in events) ledger.Apply(e);

        var actual = Describe(ledger);
        var expected = JsonNode.Parse(File.ReadAllText(Fixture(version, "expected-state.json")));
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
