using System.CommandLine;
using AsRnnGrid.Actors.Cluster;
using AsRnnGrid.Actors.Grid;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Book;
using AsRnnGrid.Training.Checkpoints;
using AsRnnGrid.Training.Configuration;
using Spectre.Console;
using static AsRnnGrid.Actors.Sweep.SweepControl;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// `asrnn-grid run [FILE]`: the whole sweep on this machine, unattended. Running it again on the same file
/// skips completed runs and resumes the others from their checkpoints (the ledger in the results folder).
/// Exit codes (<see cref="ExitCode"/>): 0 every run completed (or stopped early), 4 some runs failed, 3 stopped by a signal (run again
/// to go on), 5 stalled (every device quarantined), 2 bad input, 1 this node was taken down by the cluster.
/// </summary>
public static class RunCommand
{
    static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(28);

    public static Command Build()
    {
        var command = new Command("run", "run every experiment of a sweep file; again after a crash, it resumes");
        var file = new Argument<string>("FILE") { Description = "the experiments file", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "experiments.yaml" };
        var results = new Option<string>("--results") { Description = "results folder (default: the file's results:)" };
        var ledger = new Option<string>("--ledger") { Description = "the SQLite ledger (default <results>/ledger.db); put it on a local disk when results sit on a network filesystem" };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "give runs that failed in an earlier session a fresh retry budget" };
        var clearQuarantine = new Option<bool>("--clear-quarantine") { Description = "put devices quarantined in an earlier session back in service" };
        var rebuildLedger = new Option<bool>("--rebuild-ledger") { Description = "a new ledger from the run folders' result.json and checkpoints (the old file is kept aside)" };
        var noEarlyStop = new Option<bool>("--no-early-stop")
        {
            Description = "no early stopping this session: no run pauses at a rung, and runs paused or stopped early go on from their rung's checkpoint to their end",
        };
        command.Arguments.Add(file);
        command.Options.Add(results);
        command.Options.Add(ledger);
        command.Options.Add(retryFailed);
        command.Options.Add(clearQuarantine);
        command.Options.Add(rebuildLedger);
        command.Options.Add(noEarlyStop);
        var noLocalTrainers = new Option<bool>("--no-local-trainers") { Description = "run only the supervisor here; workers (`asrnn-grid worker --join`) train" };
        command.Options.Add(noLocalTrainers);
        var rotateKey = new Option<bool>("--rotate-key") { Description = "a new key and certificate for the sweep (and a new token) before it starts: workers holding the old key are refused" };
        command.Options.Add(rotateKey);
        var node = new NodeOptions(command, defaultPort: 0);
        command.SetAction(parsed =>
        {
            var sweep = SweepFileReader.Read(parsed.GetValue(file)!);
            if (parsed.GetValue(results) is { } folder)
            {
                FolderPath.Require(folder, "--results names the results folder");
                sweep = sweep with { Results = Path.GetFullPath(folder) };
            }
            var options = new SweepHostOptions
            {
                LedgerPath = parsed.GetValue(ledger),
                RetryFailed = parsed.GetValue(retryFailed),
                ClearQuarantine = parsed.GetValue(clearQuarantine),
                NoEarlyStop = parsed.GetValue(noEarlyStop),
                Faults = FaultPlan.Parse(Environment.GetEnvironmentVariable(FaultPlan.EnvironmentVariable)),
                NoLocalTrainers = parsed.GetValue(noLocalTrainers),
                Endpoint = node.Endpoint(parsed),
                DownAfter = node.DownAfter(parsed),
                InsecurePlaintext = node.InsecurePlaintext(parsed),
            };
            return Run(sweep, options, parsed.GetValue(rebuildLedger), parsed.GetValue(rotateKey));
        });
        return command;
    }

    static int Run(SweepDefinition sweep, SweepHostOptions options, bool rebuildLedger, bool rotateKey)
    {
        // Before anything is created: a bad ledger changes nothing.
        var ledger = LedgerFile.PathFor(sweep.Results, options.LedgerPath);
        if (rebuildLedger) LedgerFile.CheckPlace(ledger);
        else LedgerFile.Check(ledger, sweep.Results);
        Directory.CreateDirectory(sweep.Results);
        using var folderLock = LockResults(sweep.Results);
        var console = TerminalConsole.Create();
        if (rebuildLedger) options = options with { Rebuilt = RebuildLedger(sweep, ledger) };
        var notices = new Queue<string>();
        bool live = TerminalConsole.IsInteractive;
        options = options with
        {
            OnNotice = n =>
            {
                var line = $"{n.At:HH:mm:ss} {n.Text}";
                if (!live)
                {
                    Console.Out.WriteLine(line);
                    Console.Out.Flush();
                    return;
                }
                lock (notices)
                {
                    notices.Enqueue(line);
                    while (notices.Count > 6) notices.Dequeue();
                }
            },
        };
        console.WriteLine($"sweep {sweep.File}: {sweep.Runs.Count} runs; results in {sweep.Results}");
        // The lock proves that no seed uses the folder: the sweep is stopped, so no node is left holding a half-old pair.
        if (rotateKey)
        {
            var key = SweepCertificate.Rotate(sweep.Results);
            SweepToken.Rotate(sweep.Results);
            console.WriteLine($"new sweep key {key.Fingerprint} and token in {sweep.Results}: workers holding the old key are refused (start them again)");
        }
        // Plain lines: the console would wrap a long one at its width.
        foreach (var note in sweep.Notes) Console.Out.WriteLine("note: " + note);
        var host = SweepHost.Start(sweep, options);
        console.WriteLine($"Akka's own log: {host.LogFile}");
        if (host.Security is NodeSecurity.MutualTls tls)
        {
            console.WriteLine($"nodes talk mutual TLS with the sweep key {tls.Certificate.Fingerprint} ({tls.Certificate.PathName})");
            console.WriteLine($"workers join with: asrnn-grid worker --join {host.Address} --results {sweep.Results}");
        }
        else
        {
            console.WriteLine(NodeSecurity.PlaintextWarning(host.Address));
            console.WriteLine($"workers join with: asrnn-grid worker --join {host.Address} --insecure-plaintext");
        }
        var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var signals = new StopSignals("stopping the sweep; every run checkpoints (a second Ctrl-C exits at once)",
            "exiting now (the runs checkpoint on their own)");
        signals.Token.Register(() =>
        {
            host.Stop("asked to stop by a signal");
            stopRequested.TrySetResult();
        });
        try
        {
            var ended = live ? ShowLive(host, console, notices, stopRequested.Task) : Wait(host, stopRequested.Task);
            var status = SweepStatus.Read(sweep.Results);
            if (ended is null)
            {
                console.WriteLine($"not every run stopped within {StopDeadline.TotalSeconds:0} s; they checkpoint on their own. Run again to go on.");
                return (int)ExitCode.Stopped;
            }
            PrintSummary(console, ended, status, repeatHeadline: live);
            return (int)(ended.State switch
            {
                SweepEnd.Finished when ended.Failed == 0 => ExitCode.Success,
                SweepEnd.Finished => ExitCode.Failed,
                SweepEnd.Stalled => ExitCode.Stalled,
                SweepEnd.Aborted => ExitCode.Fault,
                _ => ExitCode.Stopped,
            });
        }
        finally
        {
            host.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>The end of the sweep, or null when a requested stop took longer than the deadline.</summary>
    static SweepEnded? Wait(SweepHost host, Task stopRequested)
    {
        var ended = host.EndedOrAborted;
        var first = Task.WhenAny(ended, stopRequested).GetAwaiter().GetResult();
        if (first == ended || ended.Wait(StopDeadline)) return ended.GetAwaiter().GetResult();
        return null;
    }

    static SweepEnded? ShowLive(SweepHost host, IAnsiConsole console, Queue<string> notices, Task stopRequested)
    {
        SweepEnded? ended = null;
        console.Live(new Text("starting…")).AutoClear(false).Start(ctx =>
        {
            DateTime? deadline = null;
            while (true)
            {
                if (stopRequested.IsCompleted) deadline ??= DateTime.UtcNow + StopDeadline;
                bool done = host.EndedOrAborted.IsCompleted;
                try
                {
                    var status = host.StatusAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
                    string[] lines;
                    lock (notices) lines = notices.ToArray();
                    ctx.UpdateTarget(SweepDisplay.Live(status, console, lines));
                }
                catch (Exception e) when (e is TimeoutException or Akka.Actor.AskTimeoutException or OperationCanceledException) { }
                if (done)
                {
                    ended = host.EndedOrAborted.GetAwaiter().GetResult();
                    return;
                }
                if (DateTime.UtcNow > deadline) return;
                host.EndedOrAborted.Wait(TimeSpan.FromSeconds(1));
            }
        });
        return ended;
    }

    static void PrintSummary(IAnsiConsole console, SweepEnded ended, SweepStatus? status, bool repeatHeadline)
    {
        if (ended.State == SweepEnd.Aborted)
        {
            Console.Error.WriteLine("error: the cluster took this node down before the sweep ended; the ledger keeps every run: run the same command again to go on");
            return;
        }
        // Without the live table the supervisor's own last notice has just said it.
        if (repeatHeadline) console.WriteLine(Sweep.Book.SweepNotices.Ended(ended));
        if (status is null) return;
        foreach (var r in status.Runs.Where(r => r.State == RunState.Failed))
            console.WriteLine($"  failed: {r.Id} ({r.Label ?? r.Id}): {r.Reason}");
        var quarantined = status.Devices.Where(d => d.State == DeviceState.Quarantined).ToArray();
        foreach (var d in quarantined)
            console.WriteLine($"  quarantined: {d.Node} {d.Device}");
        if (quarantined.Length > 0) console.WriteLine("  (`run --clear-quarantine` puts quarantined devices back in service)");
    }

    /// <summary>The old ledger set aside (never deleted) and what the run folders show, for the new one.</summary>
    static IReadOnlyDictionary<string, RunFolderFact> RebuildLedger(SweepDefinition sweep, string ledger)
    {
        var aside = LedgerFile.SetAside(ledger, LedgerFile.Damage(ledger) is null ? "replaced" : "corrupt");
        var facts = LedgerRebuild.Read(sweep, warning => Console.Error.WriteLine("warning: " + warning));
        int Count<T>() => facts.Values.Count(f => f is T);
        Console.Out.WriteLine($"ledger {ledger} rebuilt from the run folders: {Count<RunFolderFact.Completed>()} completed, "
            + $"{Count<RunFolderFact.Checkpointed>()} to resume from a checkpoint, {Count<RunFolderFact.Failed>()} failed, "
            + $"{sweep.Runs.Count - facts.Count} not started" + (aside is null ? "" : $"; the old file is kept as {aside}"));
        return facts;
    }

    /// <summary>One `run` per results folder: two supervisors would write one ledger and train the same runs twice.</summary>
    static FileStream LockResults(string results) => ExclusiveLock.TryTake(Path.Combine(results, ".sweep.lock"), TimeSpan.Zero)
        ?? throw new ConfigurationException($"{results}: another `asrnn-grid run` is using this results folder");
}
