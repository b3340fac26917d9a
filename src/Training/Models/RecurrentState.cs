using TorchSharp;
using static TorchSharp.torch;

namespace AsRnnGrid.Training.Models;

/// <summary>
/// The recurrent state carried between steps and across PTB windows: h alone, or (h, c), or (h, memory).
/// A tuple of tensors so that every model fits one loop and one checkpoint format.
/// </summary>
public sealed class RecurrentState
{
    public RecurrentState(params Tensor[] parts) => Parts = parts;

    public IReadOnlyList<Tensor> Parts { get; }

    /// <summary>The parts as a checkpoint's named tensors: "carried.0", "carried.1", … (none for no state).</summary>
    public static IReadOnlyDictionary<string, Tensor> ToTensors(RecurrentState? state)
    {
        var tensors = new Dictionary<string, Tensor>();
        if (state is not null)
            for (int i = 0; i < state.Parts.Count; i++) tensors[$"carried.{i}"] = state.Parts[i];
        return tensors;
    }

    public RecurrentState Detach() => new(Parts.Select(p => p.detach()).ToArray());

    /// <summary>Moves the tensors out of the current DisposeScope so they outlive it (PTB carries the state).</summary>
    public RecurrentState MoveToOuterScope()
    {
        foreach (var p in Parts) p.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        foreach (var p in Parts) p.Dispose();
    }
}
