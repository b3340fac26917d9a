using System.Text.Json;
using AsRnnGrid.Data;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Training.Loop;

/// <summary>
/// One run's hold on its folder, in two steps. <see cref="Open"/> takes the folder's lock and checks the configuration
/// against what the folder holds (its newest checkpoint, its run.yaml), changing nothing: a refused run leaves every file
/// as it was (a lock file or folder made to hold it is removed again). <see cref="Accept"/>, once the caller has also found the device and the data, takes the folder over:
/// --restart's set-aside, run.yaml, unreadable checkpoints renamed, metrics.jsonl cut back to the checkpoint or kept aside.
/// </summary>
internal sealed class RunFolderSession : IDisposable
{
    readonly RunFolder _folder;
    readonly RunConfig _config;
    readonly bool _restart;
    readonly Hold _hold;
    readonly LatestCheckpoint _latest;
    bool _accepted;

    RunFolderSession(RunFolder folder, RunConfig config, bool restart, Hold hold, LatestCheckpoint latest, RunCheckpointMeta? meta)
    {
        _folder = folder;
        _config = config;
        _restart = restart;
        _hold = hold;
        _latest = latest;
        _meta = meta;
    }

    /// <summary>The folder's lock, and whether taking it made the folder or its lock file (a refused run removes them again).</summary>
    sealed record Hold(IDisposable Lock, bool MadeFolder, bool MadeLockFile);

    readonly RunCheckpointMeta? _meta;

    /// <summary>The checkpoint to resume from (the newest readable one, checked to be of this configuration), or null.</summary>
    public (CheckpointData Data, RunCheckpointMeta Meta, string Path)? Checkpoint =>
        _latest.Found is { } found ? (found.Data, _meta!, found.Path) : null;

    /// <summary>
    /// Locks the folder (waiting up to <paramref name="lockWait"/> for another process) and refuses, with a
    /// <see cref="ConfigurationException"/> naming the folder and what differs, a configuration that is not the folder's.
    /// With <paramref name="restart"/> the folder's files are not looked at: they will be set aside.
    /// </summary>
    public static RunFolderSession Open(RunFolder folder, RunConfig config, string configHash, bool restart, TimeSpan lockWait)
    {
        // A file named checkpoints would fail the first checkpoint, after steps were trained (--restart moves it aside).
        if (!restart) FolderPath.Require(new CheckpointStore(folder.Path, config.KeepCheckpoints).Folder, "a run folder's checkpoints/ is a folder");
        bool madeFolder = !Directory.Exists(folder.Path), madeLockFile = !File.Exists(folder.LockFile);
        var hold = new Hold(folder.Lock(lockWait), madeFolder, madeLockFile);
        try
        {
            if (restart) return new RunFolderSession(folder, config, restart, hold, new LatestCheckpoint(null, []), null);
            var latest = new CheckpointStore(folder.Path, config.KeepCheckpoints).FindLatest();
            RunCheckpointMeta? meta = null;
            if (latest.Found is { } found)
            {
                meta = RunCheckpointMeta.Read(found.Data);
                if (meta.ConfigHash != configHash)
                    throw Refusal(folder, "a checkpoint of another configuration", meta.Config, ConfigHash.TrajectoryKeys(config), "the checkpoint");
                CheckMetrics(folder, meta.Position);
            }
            if (File.Exists(folder.RunYaml))
            {
                var written = RunYaml.Read(folder.RunYaml);
                if (ConfigHash.Compute(written) != configHash)
                    throw Refusal(folder, $"a {RunYaml.FileName} of another configuration", ConfigHash.TrajectoryKeys(written), ConfigHash.TrajectoryKeys(config), RunYaml.FileName);
            }
            return new RunFolderSession(folder, config, restart, hold, latest, meta);
        }
        catch
        {
            Release(folder, hold, accepted: false);
            throw;
        }
    }

    /// <summary>
    /// The log a resumed run goes on from: metrics.jsonl up to the checkpoint's length must be whole log points. Anything
    /// else (a line that is not one, the file cut short) would be mixed into the series the report draws, so the run is
    /// refused, naming the line, before the file is cut back. A run without the file resumes without the earlier points.
    /// </summary>
    static void CheckMetrics(RunFolder folder, CheckpointPosition position)
    {
        if (!File.Exists(folder.Metrics)) return;
        const string remedy = "move metrics.jsonl aside to resume without the earlier log points, or --restart";
        var bytes = File.ReadAllBytes(folder.Metrics);
        long length = position.MetricsLength;
        if (bytes.Length < length)
            throw new ConfigurationException($"{folder.Metrics}: {bytes.Length} bytes, fewer than the {length} logged up to the checkpoint of step {position.Step} (lines are missing): {remedy}");
        string text;
        try
        {
            text = Utf8Text.Decode(folder.Metrics, bytes.AsSpan(0, (int)length));
        }
        catch (DataFileException e)
        {
            throw new ConfigurationException($"{e.Message}: {remedy}");
        }
        if (text.Length > 0 && text[^1] != '\n')
            throw new ConfigurationException($"{folder.Metrics}: the checkpoint of step {position.Step} logged {length} bytes, which end inside a line: {remedy}");
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length - 1; i++)
        {
            try
            {
                if (MetricsPoint.Parse(lines[i]) is { Step: var step } && step > position.Step)
                    throw new ConfigurationException($"{folder.Metrics}:{i + 1}: a log point of step {step}, after the checkpoint's step {position.Step}: {remedy}");
            }
            catch (JsonException e)
            {
                throw new ConfigurationException($"{folder.Metrics}:{i + 1}: not a log point ({JsonProblem.What(e)}): {remedy}");
            }
        }
    }

    static ConfigurationException Refusal(RunFolder folder, string what, IReadOnlyDictionary<string, string> saved,
        IReadOnlyDictionary<string, string> current, string where)
    {
        var differing = current.Keys.Union(saved.Keys)
            .Where(k => !current.TryGetValue(k, out var v) || saved.GetValueOrDefault(k) != v)
            .Select(k => $"{k} ({saved.GetValueOrDefault(k) ?? "absent"} in {where}, {current.GetValueOrDefault(k) ?? "absent"} now)");
        return new ConfigurationException(
            $"{folder.Path} holds {what}; differing: {string.Join(", ", differing)}. Use --restart to start over (the old files are kept aside) or another --out");
    }

    /// <summary>Takes the folder over for this run. <paramref name="warn"/> hears of every file moved aside.</summary>
    public void Accept(Action<string> warn)
    {
        _accepted = true;
        if (_restart && _folder.SetAsideForRestart() is { } aside)
            warn($"--restart: the previous files of {_folder.Path} were moved to {aside}");
        Directory.CreateDirectory(_folder.Path);
        var text = RunYaml.Format(_config);
        // Unchanged text is not written again: a resumed run leaves its run.yaml as the sweep wrote it.
        if (!File.Exists(_folder.RunYaml) || File.ReadAllText(_folder.RunYaml) != text)
            DurableFile.WriteAllText(_folder.RunYaml, text);
        CheckpointStore.SetAside(_latest.Unreadable, warn);
        if (_meta is { } meta)
            TruncateMetrics(meta.Position.MetricsLength);
        else if (File.Exists(_folder.Metrics))
            // No checkpoint to continue from: an earlier attempt's partial log is kept aside, not overwritten.
            File.Move(_folder.Metrics, _folder.Metrics + $".{DateTime.UtcNow:yyyyMMddTHHmmss}.orphaned", overwrite: false);
    }

    void TruncateMetrics(long length)
    {
        // Lines logged after the checkpoint are written again, identically, by the resumed run: drop them so the series stays one.
        if (!File.Exists(_folder.Metrics)) return;
        using var stream = new FileStream(_folder.Metrics, FileMode.Open, FileAccess.Write);
        if (stream.Length > length) stream.SetLength(length);
    }

    /// <summary>Releases the folder; a run refused after <see cref="Open"/> (its data, its model) also removes the lock file and folder it made.</summary>
    public void Dispose() => Release(_folder, _hold, _accepted);

    static void Release(RunFolder folder, Hold hold, bool accepted)
    {
        if (!accepted && hold.MadeLockFile) File.Delete(folder.LockFile);
        hold.Lock.Dispose();
        if (!accepted && hold.MadeFolder && !Directory.EnumerateFileSystemEntries(folder.Path).Any()) Directory.Delete(folder.Path);
    }
}
