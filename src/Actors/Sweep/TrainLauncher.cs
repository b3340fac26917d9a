using System.Reflection;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>How a trainer starts `asrnn-grid train`: this very program, through its apphost or through `dotnet`.</summary>
public sealed record TrainLauncher(string FileName, IReadOnlyList<string> PrefixArguments)
{
    public static TrainLauncher ForThisProcess()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell this program's path");
        var name = Path.GetFileNameWithoutExtension(path);
        if (name == "dotnet")
            return new TrainLauncher(path, [Assembly.GetEntryAssembly()!.Location]);
        return new TrainLauncher(path, []);
    }

    /// <summary>The asrnn-grid.dll beside <paramref name="folder"/>'s other assemblies, run through dotnet (tests).</summary>
    public static TrainLauncher ForAssemblyIn(string folder) => new("dotnet", [Path.Combine(folder, "asrnn-grid.dll")]);
}
