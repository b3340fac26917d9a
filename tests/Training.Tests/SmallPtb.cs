namespace AsRnnGrid.Training.Tests;

/// <summary>
/// A small PTB folder built from the real validation file (shared/data has no train file): train = its first 60 lines,
/// valid and test = lines taken from those, so every symbol is known to train.
/// </summary>
public static class SmallPtb
{
    public static string Create()
    {
        var lines = File.ReadLines(Path.Combine(RepositoryPaths.Ptb, "ptb.char.valid.txt")).Take(60).ToArray();
        var folder = Directory.CreateTempSubdirectory("ptb-small-").FullName;
        File.WriteAllLines(Path.Combine(folder, "ptb.char.train.txt"), lines);
        File.WriteAllLines(Path.Combine(folder, "ptb.char.valid.txt"), lines[..8]);
        File.WriteAllLines(Path.Combine(folder, "ptb.char.test.txt"), lines[8..16]);
        return folder;
    }
}
