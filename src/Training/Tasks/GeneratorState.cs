using AsRnnGrid.Data;

namespace AsRnnGrid.Training.Tasks;

/// <summary>Stores a task generator's state in a checkpoint as base64 text.</summary>
internal static class GeneratorState
{
    public static string Save(Mt19937 rng) => Convert.ToBase64String(rng.GetState().ToBytes());

    public static void Load(Mt19937 rng, string text) => rng.SetState(Mt19937State.FromBytes(Convert.FromBase64String(text)));
}
