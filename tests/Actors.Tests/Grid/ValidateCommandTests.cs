using System.Diagnostics;

namespace AsRnnGrid.Actors.Tests.Grid;

/// <summary>`asrnn-grid validate` as a real process.</summary>
public class ValidateCommandTests
{
    [Fact]
    public void Good_file_lists_every_run_and_the_count_line()
    {
        var demo = Path.Combine(RepositoryPaths.Root, "experiments.yaml");
        var (exit, stdout, stderr) = CliProcess.Run("validate", demo);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal($"12 runs in 2 experiments; results: {Path.Combine(RepositoryPaths.Root, "results")}", lines[^1]);
        Assert.Contains(lines, l => l.Contains("| id ") && l.Contains("| lr / constr lr ") && l.Contains("| seed "));
        var rows = lines.Where(l => l.StartsWith("| copy-") || l.StartsWith("| adding-")).ToList();
        Assert.Equal(12, rows.Count);
        // Redirected output is plain and of a fixed width: no escape codes, every table line as long as the first.
        Assert.DoesNotContain('\u001b', stdout);
        Assert.Single(lines.SkipLast(1).Select(l => l.Length).Distinct());
        var first = rows[0].Split('|', StringSplitOptions.TrimEntries);
        Assert.Matches("^copy-[0-9a-f]{8}$", first[1]);
        Assert.Equal(["copy", "asrnn seed=1", "copy", "asrnn", "16", "1e-2 / 1e-3", "300 iterations", "1"], first[2..10]);
    }

    [Fact]
    public void File_defaults_to_experiments_yaml_in_the_current_folder()
    {
        var folder = new SweepFolder();
        folder.Write("experiments.yaml", "experiments:\n  - name: one\n    task: adding\n    iterations: 3\n");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder.Path };
        psi.ArgumentList.Add(CliProcess.Dll);
        psi.ArgumentList.Add("validate");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        Assert.EndsWith($"1 run in 1 experiment; results: {Path.Combine(folder.Path, "results")}\n", stdout);
    }

    [Fact]
    public void Bad_file_gives_one_line_and_exit_code_2()
    {
        var path = new SweepFolder().Write("bad.yaml", "experiments:\n  - name: a\n    hiden_size: 8\n");
        var (exit, stdout, stderr) = CliProcess.Run("validate", path);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"error: {path}:3:5: unknown key 'hiden_size' (did you mean 'hidden_size'?)\n", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void Missing_file_gives_one_line_and_exit_code_2()
    {
        var path = Path.Combine(new SweepFolder().Path, "none.yaml");
        var (exit, _, stderr) = CliProcess.Run("validate", path);
        Assert.Equal(2, exit);
        Assert.Equal($"error: {path}: no such file\n", stderr);
    }
}
