using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Checkpoints;

/// <summary>
/// The checkpoint file: magic, payload length, payload (meta JSON, model, optimiser, named tensors), SHA-256 of the payload.
/// A short or altered file fails the length or checksum test and is never half-read.
/// </summary>
public static class CheckpointFormat
{
    static readonly byte[] Magic = "ASRNNCK1"u8.ToArray();
    const int HashLength = 32;

    public static byte[] Serialize(CheckpointData data)
    {
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            WriteBlock(w, Encoding.UTF8.GetBytes(data.Meta.ToJsonString()));
            WriteBlock(w, data.Model);
            WriteBlock(w, data.Optimizer);
            w.Write(data.Tensors.Count);
            foreach (var (name, tensor) in data.Tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.Write(name);
                WriteTensor(w, tensor);
            }
        }
        var body = payload.ToArray();
        using var file = new MemoryStream(body.Length + 48);
        file.Write(Magic);
        file.Write(BitConverter.GetBytes((long)body.Length));
        file.Write(body);
        file.Write(SHA256.HashData(body));
        return file.ToArray();
    }

    /// <summary>Parses a checkpoint file's bytes; throws <see cref="CorruptCheckpointException"/> when it is short or altered.</summary>
    public static CheckpointData Deserialize(byte[] file)
    {
        if (file.Length < Magic.Length + 8 + HashLength || !file.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CorruptCheckpointException("not a checkpoint file (wrong magic or too short)");
        long length = BitConverter.ToInt64(file, Magic.Length);
        long expected = Magic.Length + 8 + length + HashLength;
        if (length < 0 || file.Length != expected)
            throw new CorruptCheckpointException($"truncated: {file.Length} bytes, expected {expected}");
        var body = file.AsSpan(Magic.Length + 8, (int)length);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(file.AsSpan((int)(expected - HashLength), HashLength)))
            throw new CorruptCheckpointException("checksum mismatch");
        using var r = new BinaryReader(new MemoryStream(body.ToArray()), Encoding.UTF8);
        var meta = JsonNode.Parse(ReadBlock(r))!.AsObject();
        var model = ReadBlock(r);
        var optimizer = ReadBlock(r);
        int count = r.ReadInt32();
        var tensors = new Dictionary<string, Tensor>();
        for (int i = 0; i < count; i++)
        {
            var name = r.ReadString();
            tensors[name] = ReadTensor(r);
        }
        return new CheckpointData { Meta = meta, Model = model, Optimizer = optimizer, Tensors = tensors };
    }

    static void WriteBlock(BinaryWriter w, byte[] bytes)
    {
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    static byte[] ReadBlock(BinaryReader r)
    {
        int n = r.ReadInt32();
        var bytes = r.ReadBytes(n);
        if (bytes.Length != n) throw new CorruptCheckpointException("block shorter than its length");
        return bytes;
    }

    static void WriteTensor(BinaryWriter w, Tensor tensor)
    {
        // Each step may make a new tensor (on CUDA .cpu() copies, contiguous() may too): all are disposed here.
        using var detached = tensor.detach();
        using var host = detached.cpu();
        using var cpu = host.contiguous();
        w.Write((int)cpu.dtype);
        w.Write(cpu.shape.Length);
        foreach (var d in cpu.shape) w.Write(d);
        var bytes = cpu.bytes;
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    static Tensor ReadTensor(BinaryReader r)
    {
        var dtype = (ScalarType)r.ReadInt32();
        var shape = new long[r.ReadInt32()];
        for (int i = 0; i < shape.Length; i++) shape[i] = r.ReadInt64();
        int n = r.ReadInt32();
        var bytes = r.ReadBytes(n);
        var tensor = torch.empty(shape, dtype);
        tensor.bytes = bytes;
        return tensor;
    }
}

/// <summary>A checkpoint file that is short, altered or not a checkpoint.</summary>
public sealed class CorruptCheckpointException(string message) : Exception(message);
