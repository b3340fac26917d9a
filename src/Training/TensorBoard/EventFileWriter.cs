using System.Buffers.Binary;
using Google.Protobuf;
using Tensorboard;
using TorchSharp.Utils;

namespace AsRnnGrid.Training.TensorBoard;

/// <summary>
/// Appends TensorBoard events to a stream in TFRecord framing: the record's length (8 bytes, little-endian), the masked
/// CRC-32C of those 8 bytes, the serialised <see cref="Event"/>, the masked CRC-32C of it. The events are TorchSharp's
/// protobuf types and the checksum its CRC-32C; TorchSharp 0.107's SummaryWriter itself keeps its framing private and
/// writes whole seconds as wall time and .NET ticks as the first event's, so it is not used to write the files.
/// </summary>
internal sealed class EventFileWriter(Stream stream) : IDisposable
{
    /// <summary>The first event of every file: the format's version.</summary>
    public const string FileVersion = "brain.Event:2";

    public void Write(Event e)
    {
        var data = e.ToByteArray();
        var record = new byte[8 + 4 + data.Length + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), MaskedCrc(record[..8]));
        data.CopyTo(record, 12);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12 + data.Length), MaskedCrc(data));
        // One write per record: a reader following the file sees whole records or a short tail it waits on.
        stream.Write(record);
    }

    public void Flush() => stream.Flush();

    /// <summary>TFRecord's mask: the CRC rotated right by 15 bits plus a constant (a CRC of data that holds CRCs stays meaningful).</summary>
    static uint MaskedCrc(byte[] bytes)
    {
        uint crc = CRC32C.process(bytes);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    public void Dispose() => stream.Dispose();
}
