using System.Buffers.Binary;

namespace AsRnnGrid.Data;

/// <summary>
/// A snapshot of an <see cref="Mt19937"/> generator: the 624 state words and the read position.
/// Immutable so a checkpoint can hold it while the generator runs on.
/// </summary>
public sealed record Mt19937State
{
    public const int WordCount = 624;

    /// <summary>Serialized size: 624 words plus the position, little-endian.</summary>
    public const int ByteCount = (WordCount + 1) * sizeof(uint);

    private readonly uint[] _words;

    public Mt19937State(ReadOnlySpan<uint> words, int position)
    {
        if (words.Length != WordCount)
            throw new ArgumentException($"MT19937 state needs {WordCount} words, got {words.Length}.", nameof(words));
        if (position < 0 || position > WordCount)
            throw new ArgumentOutOfRangeException(nameof(position), position, $"position must be in [0, {WordCount}].");
        _words = words.ToArray();
        Position = position;
    }

    /// <summary>Copy of the state words (a copy, so the record stays immutable).</summary>
    public uint[] Words => (uint[])_words.Clone();

    internal ReadOnlySpan<uint> WordSpan => _words;

    /// <summary>Index of the next word to temper; 624 means the block must be regenerated first.</summary>
    public int Position { get; }

    public byte[] ToBytes()
    {
        var bytes = new byte[ByteCount];
        for (int i = 0; i < WordCount; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), _words[i]);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(WordCount * 4), (uint)Position);
        return bytes;
    }

    public static Mt19937State FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != ByteCount)
            throw new ArgumentException($"MT19937 state needs {ByteCount} bytes, got {bytes.Length}.", nameof(bytes));
        var words = new uint[WordCount];
        for (int i = 0; i < WordCount; i++)
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(i * 4));
        uint position = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(WordCount * 4));
        if (position > WordCount)
            throw new ArgumentException($"MT19937 state position {position} is outside [0, {WordCount}].", nameof(bytes));
        return new Mt19937State(words, (int)position);
    }

    // Value equality over the words, not the array reference.
    public bool Equals(Mt19937State? other) =>
        other is not null && Position == other.Position && _words.AsSpan().SequenceEqual(other._words);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Position);
        foreach (uint w in _words) hash.Add(w);
        return hash.ToHashCode();
    }
}
