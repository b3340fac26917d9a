using System.Text.Json.Nodes;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using AsRnnGrid.Training.Models;
using AsRnnGrid.Training.Tasks;
using TorchSharp.Modules;

namespace AsRnnGrid.Training.Loop;

/// <summary>What a run writes into a checkpoint, shared by the training loop and the benchmark's checkpoint timing.</summary>
internal static class RunCheckpoint
{
    public static CheckpointData Capture(RunConfig config, string configHash, SequenceModel model, OptimizerHelper optimizer, TaskSession task, LoopState state)
    {
        using var modelStream = new MemoryStream();
        using (var w = new BinaryWriter(modelStream, System.Text.Encoding.UTF8, leaveOpen: true)) model.save(w);
        using var optimizerStream = new MemoryStream();
        using (var w = new BinaryWriter(optimizerStream, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(w);
        var saved = new JsonObject();
        foreach (var (key, value) in ConfigHash.TrajectoryKeys(config)) saved[key] = value;
        var meta = new JsonObject
        {
            ["format"] = 1,
            ["config_hash"] = configHash,
            ["config"] = saved,
            ["written_utc"] = DateTime.UtcNow.ToString("O"),
            ["learning_rates"] = new JsonArray(optimizer.ParamGroups.Select(g => (JsonNode)g.LearningRate).ToArray()),
            ["task"] = task.SaveState(),
        };
        state.WriteTo(meta);
        meta["step"] = state.Step;
        return new CheckpointData
        {
            Meta = meta,
            Model = modelStream.ToArray(),
            Optimizer = optimizerStream.ToArray(),
            Tensors = task.SaveTensors(),
        };
    }
}
