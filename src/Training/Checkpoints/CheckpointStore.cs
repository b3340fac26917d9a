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
        foreach (var path in List())
        {
            try
            {
                return (CheckpointFormat.Deserialize(File.ReadAllBytes(path)), path);
            }
            catch (CorruptCheckpointException e)
            {
                var aside = path + ".corrupt";
                File.Move(path, aside, overwrite: true);
                warn($"checkpoint {path} is unreadable ({e.Message}); set aside as {Path.GetFileName(aside)}, trying the previous one");
            }
        }
        return null;
    }
}
