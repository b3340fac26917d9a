using System.Diagnostics;
using AsRnnGrid.Training.Bench;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// Sweep throughput (issue 5): N real `asrnn-grid bench --child --barrier` processes on the same device, each timing
/// the same case. Their start-up (runtime, libtorch, CUDA context, cuDNN plans) takes seconds and differs between
/// processes, so each waits after its warm-up until all are ready; then all time their iterations together. The
/// aggregate is every timed iteration over the wall time from the first start to the last end.
/// </summary>
public static class SlotThroughput
{
    public static SlotRow Measure(int slots, IReadOnlyList<string> childArguments, string caseLabel, bool fused, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var processes = Enumerable.Range(0, slots).Select(_ => BenchChild.Start([.. childArguments, "--barrier"])).ToList();
        try
        {
            var stderr = processes.Select(p => p.StandardError.ReadToEndAsync()).ToList();
            string What(int i) => $"bench --slots {slots}: child {i + 1}";

            // The barrier: every child has warmed up (or one has failed, and its error is the answer).
            for (int i = 0; i < processes.Count; i++)
            {
                var ready = processes[i].StandardOutput.ReadLineAsync();
                if (!ready.Wait(Remaining(timeout, clock))) throw BenchChild.TimedOut(What(i), timeout);
                if (ready.Result != BenchChild.ReadyLine)
                {
                    var rest = processes[i].StandardOutput.ReadToEnd();
                    BenchChild.WaitOrKill(processes[i], Remaining(timeout, clock), What(i), timeout);
                    BenchChild.Row(processes[i], (ready.Result ?? "") + "\n" + rest, stderr[i].Result, What(i));
                    throw new InvalidOperationException($"{What(i)} did not stop at the barrier");
                }
            }
            foreach (var p in processes)
            {
                p.StandardInput.WriteLine("go");
                p.StandardInput.Flush();
            }

            var stdout = processes.Select(p => p.StandardOutput.ReadToEndAsync()).ToList();
            var rows = new List<BenchRow>();
            for (int i = 0; i < processes.Count; i++)
            {
                BenchChild.WaitOrKill(processes[i], Remaining(timeout, clock), What(i), timeout);
                rows.Add(BenchChild.Row(processes[i], stdout[i].Result, stderr[i].Result, What(i)));
            }
            double window = rows.Max(r => r.TimedEndUnixSeconds) - rows.Min(r => r.TimedStartUnixSeconds);
            return new SlotRow
            {
                Case = caseLabel, Fused = fused, Slots = slots,
                PerSlot = rows.Select(r => r.SustainedIterationsPerSecond).ToList(),
                PerSlotWindows = rows.Select(r => new[] { r.TimedStartUnixSeconds, r.TimedEndUnixSeconds }).ToList(),
                AggregateIterationsPerSecond = rows.Sum(r => r.Iterations) / Math.Max(window, 1e-3),
                WindowSeconds = window,
            };
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.Dispose();
            }
        }
    }

    static TimeSpan Remaining(TimeSpan timeout, Stopwatch clock)
    {
        var left = timeout - clock.Elapsed;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
