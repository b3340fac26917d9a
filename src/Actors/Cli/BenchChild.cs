using System.Diagnostics;
using System.Text.Json;
using AsRnnGrid.Training.Bench;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// `asrnn-grid bench --child`: one case in a process of its own, printing one JSON row as its last line. Every case
/// runs in a fresh process so that its peak memory is its own (libtorch's CUDA caching allocator never gives memory
/// back and TorchSharp has no empty_cache), and slots are real concurrent processes. With `--barrier` a child prints
/// <see cref="ReadyLine"/> after its warm-up and waits for a line on its standard input before the timed iterations.
/// </summary>
public static class BenchChild
{
    public const string ReadyLine = "ready";

    /// <summary>This very program again: the apphost directly, or `dotnet asrnn-grid.dll` when run through the dotnet host.</summary>
    public static Process Start(IReadOnlyList<string> arguments)
    {
        var exe = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path to start a bench child");
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") psi.ArgumentList.Add(typeof(BenchChild).Assembly.Location);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    /// <summary>Times one case in a child process and returns its row.</summary>
    public static BenchRow Run(IReadOnlyList<string> arguments, TimeSpan timeout, string what)
    {
        using var p = Start(arguments);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        WaitOrKill(p, timeout, what);
        return Row(p, stdout.Result, stderr.Result, what);
    }

    /// <summary>Waits up to <paramref name="left"/> for <paramref name="p"/> to exit; then kills it and says it overran <paramref name="limit"/>.</summary>
    public static void WaitOrKill(Process p, TimeSpan left, string what, TimeSpan? limit = null)
    {
        if (p.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero)) return;
        if (!p.HasExited) p.Kill(entireProcessTree: true);
        throw TimedOut(what, limit ?? left);
    }

    public static ConfigurationException TimedOut(string what, TimeSpan limit)
        => new($"{what}: did not finish within {limit.TotalMinutes:0} minutes; use fewer --iterations or a smaller case");

    /// <summary>The row an exited child printed last, or an error naming the child and the first line of its stderr.</summary>
    public static BenchRow Row(Process p, string stdout, string stderr, string what)
    {
        if (p.ExitCode != 0)
        {
            // A bad case reads as the child's own one-line error (exit 2), anything else as a failure of the child.
            var first = CommandLine.FirstLine(stderr);
            if (p.ExitCode == (int)ExitCode.BadInput) throw new ConfigurationException(first.StartsWith("error: ", StringComparison.Ordinal) ? first[7..] : first);
            throw new InvalidOperationException($"{what} exited with {p.ExitCode}: {first}");
        }
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new InvalidOperationException($"{what} printed nothing");
        return JsonSerializer.Deserialize<BenchRow>(line) ?? throw new InvalidOperationException($"{what} printed no row");
    }
}
