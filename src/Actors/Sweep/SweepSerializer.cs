using System.Globalization;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using AsRnnGrid.Actors.Sweep.Book;
using static AsRnnGrid.Actors.Sweep.LedgerEvents;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// Serialises <see cref="ISweepMessage"/>s as UTF-8 JSON. Protocol messages (which cross nodes) carry the manifest
/// "v3/Owner.Type": another protocol version, or a type this build does not know, is refused with a message that says
/// so (v2: GPU readings and options in RequestWork, GpuChanged, the out-of-memory end of a run; v3: early stopping's
/// pause target in AssignRun, its rung result in RunEnded). Ledger events (which stay on disk for ever) carry
/// "ledger-v4/Type", the <see cref="LedgerEvents.Version"/> they were written in; older versions are read into today's
/// events (<see cref="LedgerV1"/>; versions 2 and 3 have today's shapes), a newer one is refused; the book's snapshots
/// carry "snapshot-v3/BookSnapshot" and versions 1 and 2 are read without rung results.
/// Every property is required, as records declare it: a missing one is an error, never a default.
/// </summary>
public sealed class SweepSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4711;
    public const string ProtocolVersion = "v3";
    public const string LedgerPrefix = "ledger-v";
    public const string SnapshotPrefix = "snapshot-v";

    static readonly Type[] Types = typeof(ISweepMessage).Assembly.GetTypes()
        .Where(t => typeof(ISweepMessage).IsAssignableFrom(t) && !t.IsInterface && !t.IsAbstract).ToArray();

    static readonly Dictionary<string, Type> ProtocolTypes = Types.Where(t => !typeof(ILedgerEvent).IsAssignableFrom(t) && t != typeof(BookSnapshot))
        .ToDictionary(Key, StringComparer.Ordinal);

    static readonly Dictionary<string, Type> LedgerTypes = Types.Where(t => typeof(ILedgerEvent).IsAssignableFrom(t))
        .ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>"SweepProtocol.RunResumed": the owner's name keeps same-named messages of the protocol and the ledger apart.</summary>
    static string Key(Type t) => t.DeclaringType is { } owner ? $"{owner.Name}.{t.Name}" : t.Name;

    public static readonly JsonSerializerOptions Json = new()
    {
        IncludeFields = false,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        ILedgerEvent => $"{LedgerPrefix}{LedgerEvents.Version.ToString(CultureInfo.InvariantCulture)}/{o.GetType().Name}",
        BookSnapshot => $"{SnapshotPrefix}{BookSnapshot.Version.ToString(CultureInfo.InvariantCulture)}/{nameof(BookSnapshot)}",
        _ => $"{ProtocolVersion}/{Key(o.GetType())}",
    };

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        bool v1 = manifest.StartsWith(LedgerV1.ManifestPrefix, StringComparison.Ordinal);
        bool snapshot = manifest.StartsWith(SnapshotPrefix, StringComparison.Ordinal);
        bool ledger = v1 || snapshot || manifest.StartsWith(LedgerPrefix, StringComparison.Ordinal);
        try
        {
            var message = v1 ? LedgerV1.Read(manifest[LedgerV1.ManifestPrefix.Length..], bytes, Json)
                    ?? throw new SerializationException($"unknown ledger event '{manifest}' of version 1")
                : snapshot ? Snapshot(bytes, manifest)
                : ledger ? LedgerEvent(bytes, manifest)
                : ProtocolMessage(bytes, manifest);
            return message ?? throw new SerializationException($"empty sweep message '{manifest}'");
        }
        catch (JsonException e)
        {
            throw new SerializationException($"unreadable {(ledger ? "ledger event" : "sweep message")} '{manifest}': {e.Message}", e);
        }
    }

    static object? LedgerEvent(byte[] bytes, string manifest)
    {
        var slash = manifest.IndexOf('/');
        if (slash < 0 || !int.TryParse(manifest.AsSpan(LedgerPrefix.Length, slash - LedgerPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            throw new SerializationException($"ledger event with a malformed manifest '{manifest}'");
        if (version > LedgerEvents.Version)
            throw new SerializationException(
                $"ledger event '{manifest}' of version {version}: this asrnn-grid reads ledger versions 1 to {LedgerEvents.Version} (a newer asrnn-grid wrote this ledger; use it)");
        if (!LedgerTypes.TryGetValue(manifest[(slash + 1)..], out var type))
            throw new SerializationException($"unknown ledger event '{manifest}'");
        // Every event from the first manifest version on has kept its shape: an older manifest reads as today's event, unless that version did not have it.
        if (version < LedgerEvents.FirstManifestVersion || version < LedgerEvents.IntroducedIn(type))
            throw new SerializationException($"ledger event '{manifest}': version {version} was never written with this manifest");
        return JsonSerializer.Deserialize(bytes, type, Json);
    }

    /// <summary>Today's snapshots; versions 1 and 2 (2 only widened an attempt's outcomes) have no rung results.</summary>
    static object? Snapshot(byte[] bytes, string manifest) =>
        manifest == SnapshotManifest(BookSnapshot.Version) ? JsonSerializer.Deserialize<BookSnapshot>(bytes, Json)
            : manifest == SnapshotManifest(1) || manifest == SnapshotManifest(2) ? JsonSerializer.Deserialize<BookSnapshot.WithoutRungs>(bytes, Json)?.Upcast()
            : throw new SerializationException(
                $"ledger snapshot '{manifest}': this asrnn-grid reads snapshot versions 1 to {BookSnapshot.Version.ToString(CultureInfo.InvariantCulture)} (a newer asrnn-grid wrote this ledger; use it)");

    static string SnapshotManifest(int version) => $"{SnapshotPrefix}{version.ToString(CultureInfo.InvariantCulture)}/{nameof(BookSnapshot)}";

    static object? ProtocolMessage(byte[] bytes, string manifest)
    {
        var slash = manifest.IndexOf('/');
        var version = slash < 0 ? "(none)" : manifest[..slash];
        if (version != ProtocolVersion)
            throw new SerializationException(
                $"sweep message of protocol {version} refused: this asrnn-grid speaks {ProtocolVersion} (run the same version on every node)");
        if (!ProtocolTypes.TryGetValue(manifest[(slash + 1)..], out var type))
            throw new SerializationException($"unknown sweep message type '{manifest}' (run the same asrnn-grid version on every node)");
        return JsonSerializer.Deserialize(bytes, type, Json);
    }
}
