namespace AsRnnGrid.Data;

/// <summary>
/// A data file (or folder) that cannot be used. The message is one line naming the file and the
/// fault, so it can go straight to a log or a console.
/// </summary>
public sealed class DataFileException : Exception
{
    public DataFileException(string path, string fault, int? line = null, Exception? inner = null, int? column = null)
        : base(Compose(path, fault, line, column), inner)
    {
        Path = path;
        Line = line;
        Column = column;
    }

    /// <summary>The file, or the folder when files are missing.</summary>
    public string Path { get; }

    /// <summary>1-based line number for text files, when the fault is on one line.</summary>
    public int? Line { get; }

    /// <summary>1-based column on <see cref="Line"/>, where the fault is at one place.</summary>
    public int? Column { get; }

    private static string Compose(string path, string fault, int? line, int? column) =>
        line is int l ? (column is int c ? $"{path}:{l}:{c}: {fault}" : $"{path}:{l}: {fault}") : $"{path}: {fault}";
}
