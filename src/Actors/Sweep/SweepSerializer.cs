using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// Serialises <see cref="ISweepMessage"/>s (protocol and ledger events) as UTF-8 JSON with a versioned manifest
/// "v1/TypeName". A manifest of another protocol version, or a type this build does not know, is refused with a
/// message that says so, rather than deserialised into something wrong.
/// </summary>
public sealed class SweepSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4711;
    public const string ProtocolVersion = "v1";

    static readonly Dictionary<string, Type> TypesByName = typeof(ISweepMessage).Assembly.GetTypes()
        .Where(t => typeof(ISweepMessage).IsAssignableFrom(t) && !t.IsInterface && !t.IsAbstract)
        .ToDictionary(Key, StringComparer.Ordinal);

    /// <summary>"SweepProtocol.RunResumed", "LedgerEvents.RunResumed": the owner's name keeps same-named messages apart.</summary>
    static string Key(Type t) => t.DeclaringType is { } owner ? $"{owner.Name}.{t.Name}" : t.Name;

    static readonly JsonSerializerOptions Json = new() { IncludeFields = false };

    public override int Identifier => Id;

    public override string Manifest(object o) => $"{ProtocolVersion}/{Key(o.GetType())}";

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var slash = manifest.IndexOf('/');
        var version = slash < 0 ? "(none)" : manifest[..slash];
        if (version != ProtocolVersion)
            throw new SerializationException(
                $"sweep message of protocol {version} refused: this asrnn-grid speaks {ProtocolVersion} (run the same version on every node)");
        if (!TypesByName.TryGetValue(manifest[(slash + 1)..], out var type))
            throw new SerializationException($"unknown sweep message type '{manifest}' (run the same asrnn-grid version on every node)");
        return JsonSerializer.Deserialize(bytes, type, Json)
            ?? throw new SerializationException($"empty sweep message '{manifest}'");
    }
}
