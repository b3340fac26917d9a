using AsRnnGrid.Actors.Grid;

namespace AsRnnGrid.Actors.Tests.Grid;

/// <summary>A fresh temporary folder to write experiments files (and their data folders) into.</summary>
public sealed class SweepFolder
{
    public string Path { get; } = Directory.CreateTempSubdirectory("asrnn-grid-").FullName;

    public string Write(string name, string yaml)
    {
        var file = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, yaml);
        return file;
    }

    public SweepDefinition Read(string name, string yaml) => SweepFileReader.Read(Write(name, yaml));

    /// <summary>A data folder holding the three PTB character files (tiny: the check looks for the files only).</summary>
    public string PtbFolder(string relative)
    {
        var dir = Directory.CreateDirectory(System.IO.Path.Combine(Path, relative)).FullName;
        foreach (var name in new[] { "ptb.char.train.txt", "ptb.char.valid.txt", "ptb.char.test.txt" })
            File.WriteAllText(System.IO.Path.Combine(dir, name), "a b c\n");
        return dir;
    }

    /// <summary>A link to the tests' MNIST subset (MnistSubset, from the shared data) at <paramref name="relative"/>, so a relative data_dir finds it.</summary>
    public string MnistLink(string relative)
    {
        var link = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(link)!);
        Directory.CreateSymbolicLink(link, MnistSubset.Folder);
        return link;
    }
}
