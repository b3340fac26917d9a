using System.Runtime.InteropServices;

namespace AsRnnGrid.Training.Checkpoints;

/// <summary>
/// Writes a file so that a crash or a power cut leaves either the old file or the whole new one:
/// temporary file, fsync, rename, fsync of the folder.
/// </summary>
public static class DurableFile
{
    /// <param name="unixMode">The new file's permissions from its creation on (a secret is never readable by others,
    /// not even for a moment); null: the process's umask decides.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, UnixFileMode? unixMode = null)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        File.Delete(temp); // a crashed writer's leftover would keep its own permissions
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (unixMode is { } mode && !OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        using (var stream = new FileStream(temp, options))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        SyncFolder(folder);
    }

    public static void WriteAllText(string path, string text, UnixFileMode? unixMode = null) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text), unixMode);

    /// <summary>Makes a rename in <paramref name="folder"/> durable (Linux and macOS; elsewhere a no-op).</summary>
    public static void SyncFolder(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = open(folder, 0 /* O_RDONLY */);
        if (fd < 0) return;
        try { fsync(fd); }
        finally { close(fd); }
    }

    [DllImport("libc", SetLastError = true)] static extern int open(string path, int flags);
    [DllImport("libc", SetLastError = true)] static extern int fsync(int fd);
    [DllImport("libc", SetLastError = true)] static extern int close(int fd);
}
