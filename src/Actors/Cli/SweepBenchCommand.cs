using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AsRnnGrid.Actors.Sweep.Bench;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// `asrnn-grid bench sweep`: the supervisor at scale (default 100,000 runs and 200 trainer slots): the time of each
/// decision of its book over a whole simulated sweep (median, 99th percentile), the size of sweep-status.json and the
/// time to snapshot and write it, and the time a real supervisor takes to recover a ledger of ten events a run through
/// the SQLite journal, in a process of its own (hidden `--recover-only`), as after a restart.
/// </summary>
public static class SweepBenchCommand
{
    public static Command Build()
    {
        var command = new Command("sweep", "time the sweep supervisor's decisions, status file and ledger recovery at scale (no training)");
        var runs = new Option<int>("--runs") { Description = "planned runs (default 100000)", DefaultValueFactory = _ => 100_000 };
        var slots = new Option<int>("--slots") { Description = "trainer slots (default 200: 25 nodes of 4 GPUs, 2 slots each)", DefaultValueFactory = _ => 200 };
        var ledger = new Option<string>("--ledger") { Description = "the ledger to recover: written there first if it does not exist, reused as it is if it does (same --runs); default a temporary one", HelpName = "file" };
        var json = new Option<string>("--json") { Description = "also write the figures to this JSON file", HelpName = "file" };
        var recoveries = new Option<int>("--recoveries") { Description = "recoveries timed, each of a fresh copy of the ledger (default 2)", DefaultValueFactory = _ => 2 };
        var recoverOnly = new Option<string>("--recover-only") { Description = "recover this ledger in this process and print one JSON line", Hidden = true };
        foreach (var o in new Option[] { runs, slots, ledger, json, recoveries, recoverOnly }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            int n = parsed.GetValue(runs), s = parsed.GetValue(slots);
            if (n < 1 || s < 1) throw new ConfigurationException("bench sweep: --runs and --slots must be at least 1");
            var work = Directory.CreateTempSubdirectory("asrnn-bench-sweep-").FullName;
            try
            {
                if (parsed.GetValue(recoverOnly) is { } only)
                {
                    var (seconds, notice) = LedgerBench.RecoverAsync(only, n, work).GetAwaiter().GetResult();
                    Console.Out.WriteLine(JsonSerializer.Serialize(new { seconds, notice }));
                    return (int)ExitCode.Success;
                }
                return Run(n, s, parsed.GetValue(ledger), parsed.GetValue(json), Math.Max(1, parsed.GetValue(recoveries)), work);
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        });
        return command;
    }

    static int Run(int runs, int slots, string? existingLedger, string? json, int recoveries, string work)
    {
        static void Say(string text) => Console.Error.WriteLine($"bench sweep: {text}");
        Say($"{runs:N0} runs, {slots} slots: a whole sweep through the book");
        StatusBench.Result? status = null;
        var decisions = DecisionBench.Run(runs, slots, seed: 1, book => status = StatusBench.Measure(book, Path.Combine(work, "status")));

        var ledger = Path.GetFullPath(existingLedger ?? Path.Combine(work, "ledger.db"));
        double? writeSeconds = null;
        if (!File.Exists(ledger))
        {
            Say($"writing a ledger of {runs * LedgerBench.EventsPerRun:N0} events through the SQLite journal");
            writeSeconds = LedgerBench.WriteAsync(ledger, runs, Say).GetAwaiter().GetResult();
        }
        Say("first start on an empty ledger (plans every run), in a fresh process");
        var firstStart = Recover(Path.Combine(work, "empty.db"), runs);
        var recovered = new List<(double Seconds, string Notice)>();
        var replayed = new List<(double Seconds, string Notice)>();
        for (int i = 0; i < recoveries; i++)
        {
            var copy = Path.Combine(work, $"recover-{i}.db");
            File.Copy(ledger, copy, overwrite: true);
            Say($"recovery {i + 1} of {recoveries} from the newest snapshot, in a fresh process");
            recovered.Add(Recover(copy, runs));
            File.Copy(ledger, copy, overwrite: true);
            LedgerBench.DropSnapshots(copy);
            Say($"recovery {i + 1} of {recoveries} replaying every event, in a fresh process");
            replayed.Add(Recover(copy, runs));
            File.Delete(copy);
        }

        var o = Console.Out;
        o.WriteLine($"sweep supervisor at scale: {runs:N0} runs, {slots} trainer slots ({Environment.ProcessorCount} cores)");
        o.WriteLine($"  simulated sweep: {decisions.All.Count:N0} decisions in {decisions.WallSeconds:0.0} s; {decisions.Completed:N0} completed, {decisions.Failed} failed, {decisions.Quarantined} devices quarantined");
        o.WriteLine($"  recovery decision on a fresh plan (plans every run): {decisions.RecoverSeconds * 1000:0} ms");
        o.WriteLine($"  {"decision",-16} {"count",10} {"median µs",10} {"p99 µs",10} {"max µs",10}");
        foreach (var k in decisions.Kinds.Append(decisions.All))
            o.WriteLine($"  {k.Kind,-16} {k.Count,10:N0} {k.MedianUs,10:0.0} {k.P99Us,10:0.0} {k.MaxUs,10:0}");
        if (status is not null)
            o.WriteLine($"  sweep-status.json halfway: {status.Bytes / 1e6:0.0} MB; snapshot on the supervisor's thread {status.SnapshotMs:0} ms, write (serialise, fsync, rename; thread pool) {status.WriteMs:0} ms");
        if (writeSeconds is { } w) o.WriteLine($"  ledger of {runs * LedgerBench.EventsPerRun:N0} events written in {w:0.0} s ({new FileInfo(ledger).Length / 1e6:0} MB)");
        o.WriteLine($"  first start, planning every run: {firstStart.Seconds:0.00} s to \"{firstStart.Notice}\"");
        foreach (var (seconds, notice) in recovered) o.WriteLine($"  recovery from the newest snapshot and the events after it: {seconds:0.00} s to \"{notice}\"");
        foreach (var (seconds, notice) in replayed) o.WriteLine($"  recovery replaying all {runs * LedgerBench.EventsPerRun:N0} events (no snapshot): {seconds:0.00} s to \"{notice}\"");

        if (json is not null)
            File.WriteAllText(json, JsonSerializer.Serialize(new
            {
                runs, slots, cores = Environment.ProcessorCount, decisions, status, ledger_write_seconds = writeSeconds,
                ledger_events = runs * LedgerBench.EventsPerRun, first_start_seconds = firstStart.Seconds, recovery_seconds = recovered.Select(r => r.Seconds).ToArray(),
                full_replay_seconds = replayed.Select(r => r.Seconds).ToArray(),
            }, new JsonSerializerOptions { WriteIndented = true }));
        return (int)ExitCode.Success;
    }

    /// <summary>A supervisor of <paramref name="runs"/> runs started on <paramref name="ledger"/> in a process of its own.</summary>
    static (double Seconds, string Notice) Recover(string ledger, int runs)
    {
        using var child = BenchChild.Start(["bench", "sweep", "--runs", Text(runs), "--recover-only", ledger]);
        child.StandardInput.Close();
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        BenchChild.WaitOrKill(child, TimeSpan.FromMinutes(15), "bench sweep recovery");
        if (child.ExitCode != 0) throw new InvalidOperationException($"bench sweep recovery failed: {stderr.Result.Trim()}");
        var line = JsonDocument.Parse(stdout.Result.Trim().Split('\n')[^1]).RootElement;
        return (line.GetProperty("seconds").GetDouble(), line.GetProperty("notice").GetString()!);
    }

    static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}
