using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Gpu;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Loop;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>Every protocol message and ledger event survives the project's serializer; other versions are refused.</summary>
public sealed class SweepSerializerTests : IDisposable
{
    readonly ActorSystem _system = SweepNodeConfig.Start(SweepNodeSettings.Alone(null));

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    static readonly RunSummary Summary = new(400, 0.125, 97.5, "best test acc", 12.5);

    public static TheoryData<ISweepMessage> Messages() =>
    [
        new WorkerHello("gpu-b:4054"),
        new SweepInfo("/shared/results", "/shared/experiments.yaml", 600),
        new WorkerCannotJoin("gpu-b:4054", "no token"),
        new RequestWork("gpu-b:4054", "cuda:1", 2, "abc123"),
        new RequestWork("gpu-b:4054", "cuda:1", 2, "abc123",
            new GpuReading("GPU 3", GpuReadingState.Measured, 812, 81559, [new GpuUser(4242, "python3", "alice", 80211)], null),
            new GpuOptions(4096, GpuShare.Never)),
        new GpuChanged(new GpuReading("GPU 3", GpuReadingState.Unreadable, null, null, null, "not listed by nvidia-smi: Unable to determine the device handle for GPU0000:41:00.0: Unknown Error")),
        new TrainerRefused("wrong sweep token"),
        new AssignRun("copy-3ebb6365", 2, RunConfigBuilder.Build([new("task", "copy"), new("hidden_size", "8"), new("optimizer", "adam")]),
            "/shared/results/runs/copy-3ebb6365", null),
        new AssignRun("copy-3ebb6365", 3, RunConfigBuilder.Build([new("task", "copy"), new("hidden_size", "8")]),
            "/shared/results/runs/copy-3ebb6365", "/shared/results/tensorboard/copy/asrnn", new RungTarget(new TrainingPoint(90, TrainingUnit.Iterations), PointMetric.Loss)),
        new SweepProtocol.RunProgress("copy-3ebb6365", 2, 120, 400, 0.5, 81.25, "acc", 35.5, 3.25),
        new SweepProtocol.RunResumed("copy-3ebb6365", 2, 100),
        new SweepProtocol.RunCheckpointed("copy-3ebb6365", 2, 200),
        new RunEnded("copy-3ebb6365", 2, RunEndOutcome.Completed, null, Summary),
        new RunEnded("copy-3ebb6365", 3, RunEndOutcome.Paused, "paused at 1 epoch", null,
            new RungResult(new TrainingPoint(1, TrainingUnit.Epochs), 469, PointMetric.TestAccuracy, 91.25)),
        new RunEnded("copy-3ebb6365", 3, RunEndOutcome.OutOfMemory, "exit code 1: error: ExternalException: CUDA out of memory. Tried to allocate 2.00 GiB.", null),
        new StopRun("copy-3ebb6365", 2, "the sweep is stopping"),
        Summary,
        new RunPlanned("copy-3ebb6365", "copy", "3ebb6365ffff"),
        new RunStarted("copy-3ebb6365", 1, "gpu-b:4054", "cuda:1 slot 0", new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero)),
        new LedgerEvents.RunResumed("copy-3ebb6365", 2, 100),
        new LedgerEvents.RunCheckpointed("copy-3ebb6365", 2, 200),
        new AttemptEnded("copy-3ebb6365", 1, AttemptOutcome.Interrupted, "trainer lost", "gpu-b:4054", "cuda:1 slot 0"),
        new AttemptEnded("copy-3ebb6365", 3, AttemptOutcome.OutOfMemory, "exit code 1: error: ExternalException: CUDA out of memory.", "gpu-b:4054", "cuda:1 slot 0"),
        new QuarantineCleared("gpu-b", "cuda:1", "run --clear-quarantine"),
        new RunCompleted("copy-3ebb6365", 2, Summary),
        new RunGaveUp("copy-3ebb6365", "loss became NaN at step 26"),
        new RunReset("copy-3ebb6365", "retry requested"),
        new DeviceQuarantined("gpu-b:4054", "cuda:1", "3 different runs failed"),
        new RungReached("copy-3ebb6365", 2, 30, TrainingUnit.Iterations, 30, PointMetric.Loss, 0.4375),
        new RungReached("copy-3ebb6365", 3, 90, TrainingUnit.Iterations, 90, PointMetric.Loss, null),
        new RunPromoted("copy-3ebb6365", 30, "ranked 1 of 9 at 30 iterations (loss 0.4375): among the best 3"),
        new RunStoppedEarly("copy-3ebb6365", 90, "ranked 2 of 3 at 90 iterations (loss 0.5); the best 1 went on"),
        new RunSentOn("copy-3ebb6365", "run --no-early-stop"),
        new AsRnnGrid.Actors.Sweep.Book.BookSnapshot(
            [new("copy-3ebb6365", "copy", "3ebb6365ffff", RunState.Completed, 2, 1, "gpu-b:4054", "cuda:1 slot 0", 200, null, Summary,
                [new(1, "gpu-b:4054", "cuda:1 slot 0", new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero), null, AttemptOutcome.Failed, "boom"),
                 new(2, "gpu-b:4054", "cuda:1 slot 0", new DateTimeOffset(2026, 11, 23, 12, 5, 0, TimeSpan.Zero), 100, AttemptOutcome.Completed, null)])],
            [new DeviceQuarantined("gpu-c:4055", "cuda:0", "3 different runs failed")],
            [new("copy-3ebb6365", [new(30, TrainingUnit.Iterations, 30, PointMetric.Loss, 0.4375), new(90, TrainingUnit.Iterations, 90, PointMetric.Loss, null)], [30])]),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Round_trips_through_the_registered_serializer(ISweepMessage message)
    {
        var serialization = _system.Serialization;
        var serializer = serialization.FindSerializerFor(message);
        Assert.IsType<SweepSerializer>(serializer);
        var manifest = Serialization.ManifestFor(serializer, message);
        var back = serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
        Assert.Equal(message.GetType(), back.GetType());
        // Records compare by value; lists inside compare by content.
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(message, message.GetType()), System.Text.Json.JsonSerializer.Serialize(back, back.GetType()));
    }

    [Fact]
    public void Messages_of_the_same_name_in_protocol_and_ledger_keep_apart()
    {
        var serializer = (SweepSerializer)_system.Serialization.FindSerializerFor(new WorkerHello("x"));
        Assert.Equal("v3/SweepProtocol.RunResumed", serializer.Manifest(new SweepProtocol.RunResumed("a", 1, 2)));
        Assert.Equal("ledger-v4/RunResumed", serializer.Manifest(new LedgerEvents.RunResumed("a", 1, 2)));
    }

    [Fact]
    public void A_message_of_another_protocol_version_is_refused_with_a_clear_message()
    {
        var serializer = (SweepSerializer)_system.Serialization.FindSerializerFor(new WorkerHello("x"));
        var bytes = serializer.ToBinary(new WorkerHello("gpu-b"));
        // v1 had no GPU readings and no out-of-memory end, v2 no rungs: a worker or supervisor of those versions is told, not misread.
        foreach (var old in new[] { "v1", "v2" })
        {
            var e = Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, $"{old}/SweepProtocol.WorkerHello"));
            Assert.Equal($"sweep message of protocol {old} refused: this asrnn-grid speaks v3 (run the same version on every node)", e.Message);
        }
        var unknown = Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "v3/SweepProtocol.Nonsense"));
        Assert.Equal("unknown sweep message type 'v3/SweepProtocol.Nonsense' (run the same asrnn-grid version on every node)", unknown.Message);
    }
}

/// <summary>The ledger's format: pinned names, required properties, versions, and what version 1 wrote.</summary>
public sealed class LedgerFormatTests : IDisposable
{
    readonly ActorSystem _system = SweepNodeConfig.Start(SweepNodeSettings.Alone(null));

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    SweepSerializer Serializer => (SweepSerializer)_system.Serialization.FindSerializerFor(new RunGaveUp("a", "b"));

    object Read(string json, string manifest) => Serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(json), manifest);

    [Fact]
    public void Every_journalled_property_has_its_json_name_pinned()
    {
        var types = typeof(ILedgerEvent).Assembly.GetTypes().Where(t => typeof(ILedgerEvent).IsAssignableFrom(t) && !t.IsInterface).Append(typeof(RunSummary)).ToArray();
        types = types.Concat([typeof(AsRnnGrid.Actors.Sweep.Book.BookSnapshot), typeof(AsRnnGrid.Actors.Sweep.Book.RunSnapshot), typeof(AsRnnGrid.Actors.Sweep.Book.AttemptSnapshot),
            typeof(AsRnnGrid.Actors.Sweep.Book.BookSnapshot.WithoutRungs), typeof(AsRnnGrid.Actors.Sweep.Book.RunRungsSnapshot), typeof(AsRnnGrid.Actors.Sweep.Book.RungRecord)]).ToArray();
        Assert.Equal(21, types.Length);
        foreach (var type in types)
            foreach (var property in type.GetProperties().Where(p => p.DeclaringType == type && p.Name != "EqualityContract"))
                Assert.True(property.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute), false).Length == 1,
                    $"{type.Name}.{property.Name} has no JsonPropertyName");
    }

    [Fact]
    public void A_ledger_event_missing_a_property_is_refused_naming_it_rather_than_read_with_a_default()
    {
        var e = Assert.Throws<SerializationException>(() =>
            Read("""{"RunId":"copy-1","Attempt":1,"Reason":"boom","Node":null,"Device":null}""", "ledger-v2/AttemptEnded"));
        Assert.StartsWith("unreadable ledger event 'ledger-v2/AttemptEnded': ", e.Message);
        Assert.Contains("'Outcome'", e.Message);
        // The same for a renamed parameter: the old name no longer matches, the new one is missing.
        Assert.Throws<SerializationException>(() => Read("""{"RunId":"copy-1","Why":"boom"}""", "ledger-v2/RunGaveUp"));
    }

    [Fact]
    public void A_ledger_of_a_newer_version_is_refused_with_a_message_that_says_so()
    {
        var e = Assert.Throws<SerializationException>(() => Read("""{"RunId":"a","Reason":"b"}""", "ledger-v5/RunGaveUp"));
        Assert.Equal("ledger event 'ledger-v5/RunGaveUp' of version 5: this asrnn-grid reads ledger versions 1 to 4 (a newer asrnn-grid wrote this ledger; use it)", e.Message);
        var never = Assert.Throws<SerializationException>(() => Read("""{"RunId":"a","Reason":"b"}""", "ledger-v1/RunGaveUp"));
        Assert.Equal("ledger event 'ledger-v1/RunGaveUp': version 1 was never written with this manifest", never.Message);
    }

    [Fact]
    public void Version_2_events_read_as_they_are_and_version_3_adds_the_out_of_memory_outcome()
    {
        Assert.Equal(new AttemptEnded("copy-1", 2, AttemptOutcome.Interrupted, "trainer lost", "vm:1", "cpu slot 0"),
            Read("""{"RunId":"copy-1","Attempt":2,"Outcome":"interrupted","Reason":"trainer lost","Node":"vm:1","Device":"cpu slot 0"}""", "ledger-v2/AttemptEnded"));
        Assert.Equal(new AttemptEnded("copy-1", 3, AttemptOutcome.OutOfMemory, "CUDA out of memory", "vm:1", "cuda:0 slot 0"),
            Read("""{"RunId":"copy-1","Attempt":3,"Outcome":"out-of-memory","Reason":"CUDA out of memory","Node":"vm:1","Device":"cuda:0 slot 0"}""", "ledger-v3/AttemptEnded"));
        Assert.Equal("ledger-v4/AttemptEnded", Serializer.Manifest(new AttemptEnded("a", 1, AttemptOutcome.OutOfMemory, "r", null, null)));
        Assert.Equal("""{"RunId":"a","Attempt":1,"Outcome":"out-of-memory","Reason":"r","Node":null,"Device":null}""",
            System.Text.Encoding.UTF8.GetString(Serializer.ToBinary(new AttemptEnded("a", 1, AttemptOutcome.OutOfMemory, "r", null, null))));
    }

    [Fact]
    public void Version_3_events_read_as_todays_and_an_event_an_earlier_version_did_not_have_is_refused()
    {
        Assert.Equal(new RunGaveUp("a", "b"), Read("""{"RunId":"a","Reason":"b"}""", "ledger-v3/RunGaveUp"));
        Assert.Equal(new QuarantineCleared("vm", "cpu", "run --clear-quarantine"),
            Read("""{"Machine":"vm","Device":"cpu","Reason":"run --clear-quarantine"}""", "ledger-v2/QuarantineCleared"));
        var e = Assert.Throws<SerializationException>(() => Read("""{"RunId":"a","Reason":"b"}""", "ledger-v3/RunSentOn"));
        Assert.Equal("ledger event 'ledger-v3/RunSentOn': version 3 was never written with this manifest", e.Message);
        Assert.Equal("ledger-v4/RungReached", Serializer.Manifest(new RungReached("a", 1, 30, TrainingUnit.Iterations, 30, PointMetric.Loss, 0.5)));
    }

    [Fact]
    public void A_snapshot_of_a_newer_version_is_refused_with_a_message_that_says_so()
    {
        var e = Assert.Throws<SerializationException>(() => Read("""{"Runs":[],"Quarantines":[],"Rungs":[]}""", "snapshot-v4/BookSnapshot"));
        Assert.Equal("ledger snapshot 'snapshot-v4/BookSnapshot': this asrnn-grid reads snapshot versions 1 to 3 (a newer asrnn-grid wrote this ledger; use it)", e.Message);
        Assert.Equal("snapshot-v3/BookSnapshot", Serializer.Manifest(new AsRnnGrid.Actors.Sweep.Book.BookSnapshot([], [], [])));
        // Versions 1 (before out-of-memory outcomes) and 2 (before early stopping) read with no rung results.
        var v1 = (AsRnnGrid.Actors.Sweep.Book.BookSnapshot)Read(
            """{"Runs":[{"Id":"copy-1","Experiment":"copy","ConfigHash":"h","State":"pending","Attempt":1,"Failures":1,"Node":"vm:1","Device":"cpu slot 0","CheckpointStep":null,"Reason":"boom","Summary":null,"Attempts":[{"Attempt":1,"Node":"vm:1","Device":"cpu slot 0","Started":"2026-11-23T12:00:00+00:00","ResumedFrom":null,"Outcome":"failed","OutcomeReason":"boom"}]}],"Quarantines":[]}""",
            "snapshot-v1/BookSnapshot");
        Assert.Equal((RunState.Pending, AttemptOutcome.Failed, 0), (v1.Runs.Single().State, v1.Runs.Single().Attempts.Single().Outcome, v1.Rungs.Count));
        var v2 = Assert.IsType<AsRnnGrid.Actors.Sweep.Book.BookSnapshot>(Read(
            """{"Runs":[],"Quarantines":[{"Node":"vm:1","Device":"cpu","Reason":"2 different runs"}]}""", "snapshot-v2/BookSnapshot"));
        Assert.Equal((0, 1, 0), (v2.Runs.Count, v2.Quarantines.Count, v2.Rungs.Count));
    }

    [Fact]
    public void Version_1_attempt_ends_are_read_as_outcomes_and_without_the_prefix_version_1_doubled()
    {
        Assert.Equal(new AttemptEnded("copy-1", 1, AttemptOutcome.Failed, "exit code 1", "vm:1", "cpu slot 0"),
            Read("""{"RunId":"copy-1","Attempt":1,"Reason":"exit code 1","CountsAsFailure":true,"Node":"vm:1","Device":"cpu slot 0"}""", "v1/LedgerEvents.AttemptEnded"));
        Assert.Equal(new AttemptEnded("copy-1", 2, AttemptOutcome.Interrupted, "the supervisor stopped", "vm:1", "cpu slot 0"),
            Read("""{"RunId":"copy-1","Attempt":2,"Reason":"interrupted: the supervisor stopped","CountsAsFailure":false,"Node":"vm:1","Device":"cpu slot 0"}""", "v1/LedgerEvents.AttemptEnded"));
        Assert.Equal(new DeviceQuarantined("vm:1", "cpu", "2 different runs"),
            Read("""{"Node":"vm:1","Device":"cpu","Reason":"2 different runs","RunId":""}""", "v1/LedgerEvents.DeviceQuarantined"));
        var e = Assert.Throws<SerializationException>(() => Read("{}", "v1/LedgerEvents.QuarantineCleared"));
        Assert.Equal("unknown ledger event 'v1/LedgerEvents.QuarantineCleared' of version 1", e.Message);
    }

    [Fact]
    public void A_status_file_written_by_the_first_version_reads_and_writes_back_unchanged()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Sweep", "Fixtures", "ledger-v1");
        var status = SweepStatus.Read(folder)!;
        Assert.Equal(SweepState.Stopped, status.State);
        Assert.Equal([RunState.Retrying, RunState.Retrying, RunState.Completed, RunState.Completed, RunState.Failed, RunState.Pending],
            status.Runs.Select(r => r.State));
        Assert.Equal(DeviceState.Quarantined, status.Devices.Single().State);
        var original = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(SweepStatus.PathIn(folder)));
        var written = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(status, SweepStatus.Json));
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(original, written), written!.ToJsonString());
    }
}
