using System.Diagnostics;
using System.Text.Json;
using AsRnnGrid.Training.Bench;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// Sweep throughput (issue 5): N real child processes of `asrnn-grid bench --child`, started at once on the same
/// device, each timing the same case and printing one JSON row; their sustained rates are summed.
/// </summary>
public static class SlotThroughput
{
    public static SlotRow Measure(int slots, IReadOnlyList<string> childArguments, string caseLabel, bool fused, TimeSpan timeout)
    {
        var processes = Enumerable.Range(0, slots).Select(_ => Start(childArguments)).ToList();
        var outputs = processes.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToList();
        var rates = new List<double>();
        var deadline = Stopwatch.StartNew();
        for (int i = 0; i < processes.Count; i++)
        {
            var p = processes[i];
            var left = timeout - deadline.Elapsed;
            if (!p.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                foreach (var q in processes) if (!q.HasExited) q.Kill(entireProcessTree: true);
                throw new ConfigurationException($"bench --slots {slots}: a child did not finish within {timeout.TotalMinutes:0} minutes; use fewer --iterations or a smaller case");
            }
            var stdout = outputs[i].Out.Result;
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"bench --slots {slots}: child {i + 1} exited with {p.ExitCode}: {CommandLine.FirstLine(outputs[i].Err.Result)}");
            var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
                ?? throw new InvalidOperationException($"bench --slots {slots}: child {i + 1} printed nothing");
            var row = JsonSerializer.Deserialize<BenchRow>(line)
                ?? throw new InvalidOperationException($"bench --slots {slots}: child {i + 1} printed no row");
            rates.Add(row.SustainedIterationsPerSecond);
            p.Dispose();
        }
        return new SlotRow { Case = caseLabel, Fused = fused, Slots = slots, PerSlot = rates, AggregateIterationsPerSecond = rates.Sum() };
    }

    /// <summary>This very program again: the apphost directly, or `dotnet asrnn-grid.dll` when run through the dotnet host.</summary>
    static Process Start(IReadOnlyList<string> arguments)
    {
        var exe = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path to start a bench child");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") psi.ArgumentList.Add(typeof(SlotThroughput).Assembly.Location);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }
}
