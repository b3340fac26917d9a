namespace AsRnnGrid.Training.Checkpoints;

/// <summary>
/// One process at a time on a folder: a lock file opened without sharing (an advisory lock the kernel drops when the
/// process dies, however it dies, so a kill never leaves a stale lock behind).
/// </summary>
public static class ExclusiveLock
{
    /// <summary>The open lock file, held until disposed; null when another process still holds it after <paramref name="wait"/>.</summary>
    public static FileStream? TryTake(string path, TimeSpan wait)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(250);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }
}
