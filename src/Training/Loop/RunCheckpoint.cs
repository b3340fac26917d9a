using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using TorchSharp.Modules;

namespace AsRnnGrid.Training.Loop;

/// <summary>
/// What a run writes into a checkpoint and reads back from it, side by side, shared by the training loop and the
/// benchmark's checkpoint timing: the model's and the optimiser's state, the task's share, and <see cref="RunCheckpointMeta"/>.
/// </summary>
internal static class RunCheckpoint
{
    public static CheckpointData Capture(RunConfig config, string configHash, SequenceModel model, OptimizerHelper optimizer, TaskSession task, LoopState state)
    {
        using var modelStream = new MemoryStream();
        using (var w = new BinaryWriter(modelStream, System.Text.Encoding.UTF8, leaveOpen: true)) model.save(w);
        using var optimizerStream = new MemoryStream();
        using (var w = new BinaryWriter(optimizerStream, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(w);
        var meta = new RunCheckpointMeta
        {
            ConfigHash = configHash,
            Config = ConfigHash.TrajectoryKeys(config),
            WrittenUtc = DateTime.UtcNow.ToString("O"),
            LearningRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray(),
            Task = task.SaveState(),
            Position = new(state.Step, state.Epoch, state.BatchInEpoch, state.BegunEpoch, state.Elapsed, state.MetricsLength),
            Sums = new(state.IntervalLoss, state.IntervalCorrect, state.IntervalCount, state.IntervalBatches,
                state.EpochLoss, state.EpochCorrect, state.EpochCount, state.EpochBatches, state.IntervalGradNorm),
            Best = new(state.LastLoss, state.LastAccuracy, state.LastTestAccuracy, state.BestTestAccuracy, state.BestValidBpc,
                state.TestBpcAtBestValid, state.LastTestBpc, state.ImprovedThisEpoch),
            Step = state.Step,
        };
        return new CheckpointData
        {
            Meta = meta.ToJson(),
            Model = modelStream.ToArray(),
            Optimizer = optimizerStream.ToArray(),
            Tensors = task.SaveTensors(),
        };
    }

    /// <summary>Puts a checkpoint of this run's configuration (checked before: <see cref="RunFolderSession"/>) back into the model, optimiser, task and loop.</summary>
    public static void Restore(CheckpointData data, RunCheckpointMeta meta, SequenceModel model, OptimizerHelper optimizer, TaskSession task, LoopState state)
    {
        using (var r = new BinaryReader(new MemoryStream(data.Model))) model.load(r);
        using (var r = new BinaryReader(new MemoryStream(data.Optimizer))) optimizer.load_state_dict(r);
        int g = 0;
        foreach (var group in optimizer.ParamGroups) group.LearningRate = meta.LearningRates[g++];
        task.LoadState(meta.Task);
        task.LoadTensors(data.Tensors);
        var p = meta.Position;
        (state.Step, state.Epoch, state.BatchInEpoch, state.BegunEpoch, state.Elapsed, state.MetricsLength) =
            (p.Step, p.Epoch, p.BatchInEpoch, p.BegunEpoch, p.Elapsed, p.MetricsLength);
        var s = meta.Sums;
        (state.IntervalLoss, state.IntervalCorrect, state.IntervalCount, state.IntervalBatches) = (s.IntervalLoss, s.IntervalCorrect, s.IntervalCount, s.IntervalBatches);
        state.IntervalGradNorm = s.IntervalGradNorm;
        (state.EpochLoss, state.EpochCorrect, state.EpochCount, state.EpochBatches) = (s.EpochLoss, s.EpochCorrect, s.EpochCount, s.EpochBatches);
        var b = meta.Best;
        (state.LastLoss, state.LastAccuracy, state.LastTestAccuracy, state.BestTestAccuracy) = (b.LastLoss, b.LastAccuracy, b.LastTestAccuracy, b.BestTestAccuracy);
        (state.BestValidBpc, state.TestBpcAtBestValid, state.LastTestBpc, state.ImprovedThisEpoch) = (b.BestValidBpc, b.TestBpcAtBestValid, b.LastTestBpc, b.ImprovedThisEpoch);
        model.OnParametersUpdated();
    }
}

/// <summary>
/// The metadata block of a run's checkpoint (format 1). The property names are the file's and are pinned: checkpoints of
/// existing sweeps are read with them. Property order is the order written.
/// </summary>
internal sealed record RunCheckpointMeta
{
    static readonly JsonSerializerOptions Json = new();

    [JsonPropertyName("format")] public int Format { get; init; } = 1;
    [JsonPropertyName("config_hash")] public required string ConfigHash { get; init; }
    /// <summary>The trajectory options as text (<see cref="Configuration.ConfigHash.TrajectoryKeys"/>): a refusal names the keys that differ.</summary>
    [JsonPropertyName("config")] public required IReadOnlyDictionary<string, string> Config { get; init; }
    [JsonPropertyName("written_utc")] public required string WrittenUtc { get; init; }
    /// <summary>Each parameter group's rate at the checkpoint (PTB halves them after an epoch without improvement).</summary>
    [JsonPropertyName("learning_rates")] public required double[] LearningRates { get; init; }
    /// <summary>The task's own share (its generators, the epoch's order), in the task session's format.</summary>
    [JsonPropertyName("task")] public required JsonObject Task { get; init; }
    [JsonPropertyName("position")] public required CheckpointPosition Position { get; init; }
    [JsonPropertyName("sums")] public required CheckpointSums Sums { get; init; }
    [JsonPropertyName("best")] public required CheckpointBest Best { get; init; }
    /// <summary>The step again, where the checkpoint store reads it.</summary>
    [JsonPropertyName("step")] public required long Step { get; init; }

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, Json)!.AsObject();

    /// <summary>The metadata of a checkpoint's bytes; a block that is not this format is a corrupt checkpoint.</summary>
    public static RunCheckpointMeta Read(CheckpointData data)
    {
        try
        {
            return data.Meta.Deserialize<RunCheckpointMeta>(Json) ?? throw new CorruptCheckpointException("empty metadata");
        }
        catch (JsonException e)
        {
            throw new CorruptCheckpointException($"metadata not of checkpoint format 1 ({e.Message.Split(". Path", 2)[0]})");
        }
    }
}

/// <summary>Where the loop stood.</summary>
internal sealed record CheckpointPosition(
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("batch_in_epoch")] int BatchInEpoch,
    [property: JsonPropertyName("begun_epoch")] int BegunEpoch,
    [property: JsonPropertyName("elapsed")] double Elapsed,
    [property: JsonPropertyName("metrics_length")] long MetricsLength);

/// <summary>
/// The running sums since the last log point and since the epoch's start. The gradient norm's came later: a checkpoint
/// without it reads as 0 (only the first log point after resuming such a checkpoint shows a lower mean norm).
/// </summary>
internal sealed record CheckpointSums(
    [property: JsonPropertyName("interval_loss")] double IntervalLoss,
    [property: JsonPropertyName("interval_correct")] long IntervalCorrect,
    [property: JsonPropertyName("interval_count")] long IntervalCount,
    [property: JsonPropertyName("interval_batches")] int IntervalBatches,
    [property: JsonPropertyName("epoch_loss")] double EpochLoss,
    [property: JsonPropertyName("epoch_correct")] long EpochCorrect,
    [property: JsonPropertyName("epoch_count")] long EpochCount,
    [property: JsonPropertyName("epoch_batches")] int EpochBatches,
    [property: JsonPropertyName("interval_grad_norm")] double IntervalGradNorm = 0);

/// <summary>The last and best metrics so far.</summary>
internal sealed record CheckpointBest(
    [property: JsonPropertyName("last_loss")] double? LastLoss,
    [property: JsonPropertyName("last_accuracy")] double? LastAccuracy,
    [property: JsonPropertyName("last_test_accuracy")] double? LastTestAccuracy,
    [property: JsonPropertyName("best_test_accuracy")] double? BestTestAccuracy,
    [property: JsonPropertyName("best_valid_bpc")] double? BestValidBpc,
    [property: JsonPropertyName("test_bpc_at_best_valid")] double? TestBpcAtBestValid,
    [property: JsonPropertyName("last_test_bpc")] double? LastTestBpc,
    [property: JsonPropertyName("improved_this_epoch")] bool ImprovedThisEpoch);
