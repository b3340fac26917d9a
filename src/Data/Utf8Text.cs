using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace AsRnnGrid.Data;

/// <summary>
/// Text files (experiments files, run.yaml, PTB's corpus) read as strict UTF-8: a byte sequence that is not UTF-8, or a
/// NUL byte (a binary file), is an error naming the file, line, column and byte offset, where a lenient decoder would
/// turn it into U+FFFD and go on with text the user never wrote. A UTF-8 byte-order mark at the start is dropped.
/// </summary>
public static class Utf8Text
{
    static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    /// <summary>The text of <paramref name="path"/>; <see cref="DataFileException"/> where it is not UTF-8 text.</summary>
    public static string Read(string path) => Decode(path, File.ReadAllBytes(path));

    public static string Decode(string path, ReadOnlySpan<byte> bytes)
    {
        int start = bytes.StartsWith(ByteOrderMark) ? ByteOrderMark.Length : 0;
        var text = bytes[start..];
        int nul = text.IndexOf((byte)0);
        var chars = new char[text.Length];
        var status = Utf8.ToUtf16(text, chars, out int read, out int written, replaceInvalidSequences: false);
        if (nul >= 0 && nul < read)
            throw Problem(path, bytes, start + nul, "a NUL byte: this is not a text file");
        if (status != OperationStatus.Done)
            throw Problem(path, bytes, start + read,
                $"byte 0x{bytes[start + read]:X2} is not UTF-8 text{(status == OperationStatus.NeedMoreData ? " (the file ends inside a character)" : "")}; save the file as UTF-8");
        return new string(chars, 0, written);
    }

    static DataFileException Problem(string path, ReadOnlySpan<byte> bytes, int offset, string what)
    {
        var before = bytes[..offset];
        int lineStart = before.LastIndexOf((byte)'\n') + 1;
        int line = before.Count((byte)'\n') + 1;
        // The bytes before the offset are valid UTF-8: the column counts their characters, as YAML's positions do.
        int column = Encoding.UTF8.GetCharCount(before[lineStart..]) + 1;
        return new DataFileException(path, $"{what} (byte offset {offset})", line, column: column);
    }
}
