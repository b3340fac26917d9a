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
