using System.Globalization;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace AsRnnGrid.Actors.Tests.BadInputs;

/// <summary>
/// The corpus of bad inputs (one file each in this folder; README.md says how to add one), fed to the real asrnn-grid
/// program: each gets exactly one error line on stderr that says what it must (the file, the line and column where there
/// are some, what is wrong), its exit code (2 for bad input), no stack trace, and leaves every file and folder that was
/// there exactly as it was, with nothing added.
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases => new(BadInputCase.Names());

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Bad_input_gets_one_error_line_and_changes_nothing(string name)
    {
        var bad = BadInputCase.Read(name);
        var folder = Directory.CreateTempSubdirectory("asrnn-bad-").FullName;
        Build(bad, folder);
        var before = Snapshot(folder);

        var (exit, stdout, stderr) = CliProcess.RunIn(folder, null, bad.Command.Select(a => Expand(a, folder)).ToArray());
        output.WriteLine($"exit {exit}\n--- stdout\n{stdout}\n--- stderr\n{stderr}");

        Assert.Equal(bad.Exit, exit);
        Assert.DoesNotContain("   at ", stdout + stderr);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("error: ", line);
        // A person's words: no .NET type names, no exception names.
        Assert.DoesNotMatch(@"\b(System|AsRnnGrid|Microsoft|Akka)\.[A-Z]|Exception\b", line);
        foreach (var fragment in bad.Error) Assert.Contains(Expand(fragment, folder), line);
        Assert.Equal(before, Snapshot(folder));
    }

    [SkippableFact]
    public void Every_case_file_reads_and_names_a_command()
    {
        var names = BadInputCase.Names().ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.NotEmpty(BadInputCase.Read(n).Command));
    }

    /// <summary>{dir} the case's folder, {repo} the repository, {mnist} the tests' MNIST subset (the case skips without it).</summary>
    static string Expand(string text, string folder) =>
        (text.Contains("{mnist}") ? text.Replace("{mnist}", MnistSubset.Folder) : text).Replace("{dir}", folder).Replace("{repo}", RepositoryPaths.Root);

    /// <summary>The case's copies first, then its files, then its edits, in the order written.</summary>
    static void Build(BadInputCase bad, string folder)
    {
        foreach (var (path, source) in bad.Copies)
            Copy(source == FinishedCopyRun.Name ? FinishedCopyRun.Folder.Value : Path.Combine(RepositoryPaths.Root, source), Path.Combine(folder, path));
        foreach (var (path, bytes) in bad.Files)
        {
            var file = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, bytes);
        }
        foreach (var edit in bad.Edits) Apply(edit, folder);
    }

    static void Apply(IReadOnlyDictionary<string, string> edit, string folder)
    {
        string File(string key) => Path.Combine(folder, edit[key]);
        long Number(string key, long otherwise) => edit.TryGetValue(key, out var v) ? long.Parse(v, CultureInfo.InvariantCulture) : otherwise;
        if (edit.ContainsKey("cut"))
        {
            using var stream = new FileStream(File("cut"), FileMode.Open);
            stream.SetLength((long)(stream.Length * double.Parse(edit["keep"], CultureInfo.InvariantCulture)));
        }
        else if (edit.ContainsKey("overwrite"))
        {
            using var stream = new FileStream(File("overwrite"), FileMode.Open);
            stream.Position = Number("at", 0);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(edit["text"]));
        }
        else if (edit.ContainsKey("append"))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(File("append"))!);
            System.IO.File.AppendAllText(File("append"), string.Concat(Enumerable.Repeat(edit["text"], (int)Number("times", 1))));
        }
        else if (edit.ContainsKey("random"))
        {
            var bytes = new byte[Number("length", 4096)];
            new Random(15).NextBytes(bytes);
            Directory.CreateDirectory(Path.GetDirectoryName(File("random"))!);
            System.IO.File.WriteAllBytes(File("random"), bytes);
        }
        else if (edit.ContainsKey("folder"))
            Directory.CreateDirectory(File("folder"));
        else
            throw new InvalidDataException($"unknown edit {string.Join(", ", edit.Keys)} (cut, overwrite, append, random, folder)");
    }

    static void Copy(string source, string target)
    {
        if (File.Exists(source))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
            return;
        }
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(source)) Copy(dir, Path.Combine(target, Path.GetFileName(dir)));
    }

    /// <summary>Every file (its SHA-256) and folder under <paramref name="folder"/>, by relative path.</summary>
    static SortedDictionary<string, string> Snapshot(string folder)
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var dir in Directory.GetDirectories(folder, "*", SearchOption.AllDirectories)) all[Path.GetRelativePath(folder, dir) + "/"] = "folder";
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
            all[Path.GetRelativePath(folder, file)] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        return all;
    }

    /// <summary>`@finished-copy-run`: a tiny copy run trained to the end by the real program, once per test run.</summary>
    static class FinishedCopyRun
    {
        public const string Name = "@finished-copy-run";

        public static readonly Lazy<string> Folder = new(() =>
        {
            var folder = Path.Combine(Directory.CreateTempSubdirectory("asrnn-bad-fixture-").FullName, "run");
            var (exit, _, stderr) = CliProcess.Run("train", "--task", "copy", "--model", "asrnn", "--hidden_size", "8", "--recall_length", "3",
                "--delay_length", "5", "--batch_size", "8", "--iterations", "12", "--log_every", "2", "--checkpoint_every", "4", "--random_seed", "11",
                "--out", folder);
            if (exit != 0) throw new InvalidOperationException($"the fixture run did not complete: {stderr}");
            return folder;
        });
    }
}
