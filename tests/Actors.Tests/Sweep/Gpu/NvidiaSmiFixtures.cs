using AsRnnGrid.Training.Gpus;

namespace AsRnnGrid.Actors.Tests.Sweep.Gpu;

/// <summary>The recorded outputs of Fixtures/nvidia-smi, as <see cref="NvidiaSmiOutput"/>s or served by a stand-in nvidia-smi.</summary>
public static class NvidiaSmiFixtures
{
    public static string Folder(string node) => Path.Combine(AppContext.BaseDirectory, "Sweep", "Fixtures", "nvidia-smi", node);

    public static NvidiaSmiOutput Output(string node, string query)
    {
        var exit = Path.Combine(Folder(node), query + ".exit");
        return new NvidiaSmiOutput(true, File.Exists(exit) ? int.Parse(File.ReadAllText(exit).Trim()) : 0,
            File.ReadAllText(Path.Combine(Folder(node), query + ".txt")), TimedOut: false);
    }

    public static GpuListing Listing(string node) => NvidiaSmiCsv.Listing(Output(node, "query-gpu"), Output(node, "query-compute-apps"));

    /// <summary>
    /// A stand-in nvidia-smi in a new folder: a script that answers asrnn-grid's two queries, exactly as it passes them,
    /// with the files of <paramref name="node"/> copied beside it (which a test may rewrite to change what the GPUs show),
    /// and anything else as nvidia-smi answers a wrong command line. Returns the script's path.
    /// </summary>
    public static string FakeNvidiaSmi(string node, int sleepSeconds = 0)
    {
        var folder = Directory.CreateTempSubdirectory("asrnn-nvidia-smi-").FullName;
        foreach (var file in Directory.GetFiles(Folder(node))) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var script = Path.Combine(folder, "nvidia-smi");
        File.WriteAllText(script, $$"""
            #!/usr/bin/env bash
            sleep {{sleepSeconds}}
            case "$*" in
              "{{NvidiaSmi.GpuQuery}}") q=query-gpu ;;
              "{{NvidiaSmi.AppQuery}}") q=query-compute-apps ;;
              *) echo "Invalid combination of input arguments. Please run 'nvidia-smi -h' for help."; exit 2 ;;
            esac
            cat "{{folder}}/$q.txt"
            exit "$(cat "{{folder}}/$q.exit" 2>/dev/null || echo 0)"
            """.Replace("\r", ""));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    /// <summary>Makes the stand-in at <paramref name="script"/> show <paramref name="node"/>'s files from now on.</summary>
    public static void Show(string script, string node)
    {
        var folder = Path.GetDirectoryName(script)!;
        foreach (var old in Directory.GetFiles(folder, "query-*")) File.Delete(old);
        foreach (var file in Directory.GetFiles(Folder(node))) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
    }
}
