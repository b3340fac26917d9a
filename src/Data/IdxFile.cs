using System.Buffers.Binary;
using System.IO.Compression;

namespace AsRnnGrid.Data;

/// <summary>
/// Reader for the IDX format of the MNIST files: a big-endian magic (0x0000 0x08 rank for unsigned
/// bytes), one big-endian 32-bit size per dimension, then the bytes. Gzip is detected by its own
/// magic, not the file name, so a decompressed copy with a .gz name still reads.
/// </summary>
public static class IdxFile
{
    /// <summary>Magic of an unsigned-byte IDX file of the given rank (0x801 labels, 0x803 images).</summary>
    public static int MagicFor(int rank) => 0x0800 | rank;

    /// <summary>Reads a whole IDX file of unsigned bytes with the expected rank.</summary>
    public static (int[] Dims, byte[] Data) ReadUBytes(string path, int rank)
    {
        byte[] raw = ReadAllDecompressed(path, out bool gzipped);
        // GZipStream ends quietly on a cut-off stream, so a short .gz shows up here; say so.
        string after = gzipped ? " after decompression" : "";
        int headerLength = 4 + 4 * rank;
        if (raw.Length < headerLength)
            throw new DataFileException(path, $"truncated header: expected {headerLength} bytes, got {raw.Length}{after}");

        int magic = BinaryPrimitives.ReadInt32BigEndian(raw);
        int expectedMagic = MagicFor(rank);
        if (magic != expectedMagic)
            throw new DataFileException(path, $"wrong magic number: expected 0x{expectedMagic:X8}, found 0x{magic:X8}");

        var dims = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 + 4 * d));
            if (dims[d] < 0)
                throw new DataFileException(path, $"negative size {dims[d]} in dimension {d}");
            count *= dims[d];
        }

        long expectedLength = headerLength + count;
        if (raw.Length < expectedLength)
            throw new DataFileException(path, $"truncated: expected {expectedLength} bytes, got {raw.Length}{after}");
        if (raw.Length > expectedLength)
            throw new DataFileException(path, $"trailing data: expected {expectedLength} bytes, got {raw.Length}{after}");

        return (dims, raw.AsSpan(headerLength).ToArray());
    }

    private static byte[] ReadAllDecompressed(string path, out bool gzipped)
    {
        gzipped = false;
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, $"cannot read: {e.Message}", inner: e);
        }
        if (file.Length < 2 || file[0] != 0x1F || file[1] != 0x8B) return file;
        gzipped = true;

        try
        {
            using var gzip = new GZipStream(new MemoryStream(file), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(path, $"corrupt gzip data: {e.Message}", inner: e);
        }
    }
}
