using System.Globalization;

namespace AsRnnGrid.Training.Checkpoints;

/// <summary>
/// The checkpoints of one run folder: checkpoints/step-NNNNNNNNNN.ckpt, written atomically, the newest
/// keep_checkpoints kept. A corrupt newest one is set aside (renamed *.corrupt, never deleted) and the previous one used.
/// </summary>
public sealed class CheckpointStore(string runFolder, int keep)
{
    public string Folder { get; } = Path.Combine(runFolder, "checkpoints");

    public string PathFor(long step) => Path.Combine(Folder, $"step-{step.ToString("D10", CultureInfo.InvariantCulture)}.ckpt");

    /// <summary>Checkpoint files, newest first.</summary>
    public IReadOnlyList<string> List() => Directory.Exists(Folder)
        ? Directory.GetFiles(Folder, "step-*.ckpt").OrderByDescending(f => f, StringComparer.Ordinal).ToArray()
        : [];

    /// <summary>The step of the newest checkpoint file, by its name (not read, not verified), or null.</summary>
    public long? NewestStep() => List() is [var newest, ..]
        && long.TryParse(Path.GetFileNameWithoutExtension(newest).AsSpan("step-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step)
            ? step : null;

    public string Save(CheckpointData data)
    {
        var path = PathFor(data.Step);
        DurableFile.WriteAllBytes(path, CheckpointFormat.Serialize(data));
        foreach (var old in List().Skip(keep)) File.Delete(old);
        return path;
    }

    /// <summary>The newest readable checkpoint, or null. <paramref name="warn"/> hears of every file set aside.</summary>
    public (CheckpointData Data, string Path)? LoadLatest(Action<string> warn)
    {
        var latest = FindLatest();
        SetAside(latest.Unreadable, warn);
        return latest.Found is { } found ? (found.Data, found.Path) : null;
    }

    /// <summary>
    /// The newest readable checkpoint (null if none) and the unreadable ones newer than it, changing nothing in the folder:
    /// a run looks before it decides to take the folder over.
    /// </summary>
    public LatestCheckpoint FindLatest()
    {
        var unreadable = new List<UnreadableCheckpoint>();
        foreach (var path in List())
        {
            try
            {
                return new LatestCheckpoint((CheckpointFormat.Deserialize(File.ReadAllBytes(path)), path), unreadable);
            }
            catch (CorruptCheckpointException e)
            {
                unreadable.Add(new UnreadableCheckpoint(path, e.Message));
            }
        }
        return new LatestCheckpoint(null, unreadable);
    }

    /// <summary>Renames each unreadable checkpoint *.corrupt (never deleted) so that the next look goes past it.</summary>
    public static void SetAside(IEnumerable<UnreadableCheckpoint> unreadable, Action<string> warn)
    {
        foreach (var (path, problem) in unreadable)
        {
            var aside = path + ".corrupt";
            File.Move(path, aside, overwrite: true);
            warn($"checkpoint {path} is unreadable ({problem}); set aside as {Path.GetFileName(aside)}, trying the previous one");
        }
    }
}

/// <summary>What <see cref="CheckpointStore.FindLatest"/> saw: the newest readable checkpoint, and the unreadable ones before it.</summary>
public sealed record LatestCheckpoint((CheckpointData Data, string Path)? Found, IReadOnlyList<UnreadableCheckpoint> Unreadable);

/// <summary>A checkpoint file that failed its length or checksum test, and why.</summary>
public sealed record UnreadableCheckpoint(string Path, string Problem);
