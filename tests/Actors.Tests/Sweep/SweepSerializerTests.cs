using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Training.Configuration;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;
using static AsRnnGrid.Actors.Sweep.SweepProtocol;

namespace AsRnnGrid.Actors.Tests.Sweep;

/// <summary>Every protocol message and ledger event survives the project's serializer; other versions are refused.</summary>
public sealed class SweepSerializerTests : IDisposable
{
    readonly ActorSystem _system = ActorSystem.Create("serializer-test",
        SweepNodeConfig.Create(new NodeEndpoint(), ["supervisor"], ledgerPath: null));

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    static readonly RunSummary Summary = new(400, 0.125, 97.5, "best test acc", 12.5);

    public static TheoryData<ISweepMessage> Messages() =>
    [
        new WorkerHello("gpu-b:4054"),
        new SweepInfo("/shared/results", "/shared/experiments.yaml", 600),
        new WorkerCannotJoin("gpu-b:4054", "no token"),
        new RequestWork("gpu-b:4054", "cuda:1", 2, "abc123"),
        new TrainerRefused("wrong sweep token"),
        new AssignRun("copy-3ebb6365", 2, RunConfigBuilder.Build([new("task", "copy"), new("hidden_size", "8"), new("optimizer", "adam")]),
            "/shared/results/runs/copy-3ebb6365"),
        new SweepProtocol.RunProgress("copy-3ebb6365", 2, 120, 400, 0.5, 81.25, "acc", 35.5, 3.25),
        new SweepProtocol.RunResumed("copy-3ebb6365", 2, 100),
        new SweepProtocol.RunCheckpointed("copy-3ebb6365", 2, 200),
        new RunEnded("copy-3ebb6365", 2, "completed", null, Summary),
        new StopRun("copy-3ebb6365", 2, "the sweep is stopping"),
        Summary,
        new RunPlanned("copy-3ebb6365", "copy", "3ebb6365ffff"),
        new RunStarted("copy-3ebb6365", 1, "gpu-b:4054", "cuda:1 slot 0", new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero)),
        new LedgerEvents.RunResumed("copy-3ebb6365", 2, 100),
        new LedgerEvents.RunCheckpointed("copy-3ebb6365", 2, 200),
        new AttemptEnded("copy-3ebb6365", 1, "trainer lost", false, "gpu-b:4054", "cuda:1 slot 0"),
        new RunCompleted("copy-3ebb6365", 2, Summary),
        new RunGaveUp("copy-3ebb6365", "loss became NaN at step 26"),
        new RunReset("copy-3ebb6365", "retry requested"),
        new DeviceQuarantined("gpu-b:4054", "cuda:1", "3 different runs failed"),
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
        Assert.Equal("v1/SweepProtocol.RunResumed", serializer.Manifest(new SweepProtocol.RunResumed("a", 1, 2)));
        Assert.Equal("v1/LedgerEvents.RunResumed", serializer.Manifest(new LedgerEvents.RunResumed("a", 1, 2)));
    }

    [Fact]
    public void A_message_of_another_protocol_version_is_refused_with_a_clear_message()
    {
        var serializer = (SweepSerializer)_system.Serialization.FindSerializerFor(new WorkerHello("x"));
        var bytes = serializer.ToBinary(new WorkerHello("gpu-b"));
        var e = Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "v2/SweepProtocol.WorkerHello"));
        Assert.Equal("sweep message of protocol v2 refused: this asrnn-grid speaks v1 (run the same version on every node)", e.Message);
        var unknown = Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "v1/SweepProtocol.Nonsense"));
        Assert.Equal("unknown sweep message type 'v1/SweepProtocol.Nonsense' (run the same asrnn-grid version on every node)", unknown.Message);
    }
}
