using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Checkpoints;

/// <summary>
/// What one checkpoint holds: metadata (position, accumulators, best metrics, generators, config), and the
/// serialised model and optimiser state, plus named tensors (a carried state, libtorch generator states).
/// </summary>
public sealed class CheckpointData
{
    public required JsonObject Meta { get; init; }
    public required byte[] Model { get; init; }
    public required byte[] Optimizer { get; init; }
    public required IReadOnlyDictionary<string, Tensor> Tensors { get; init; }

    public long Step => (long)Meta["step"]!;
}
