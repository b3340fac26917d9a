using System.Diagnostics;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Tests.Sweep;
using Xunit.Abstractions;

namespace AsRnnGrid.Actors.Tests.Cluster;

/// <summary>A seed and two workers as real processes on loopback; one worker killed with SIGKILL mid-sweep.</summary>
public sealed class ClusterProcessTests(ITestOutputHelper output)
{
    static readonly string Grid = TestSweeps.CopyGridFile("asrnn, exprnn, lstm", "1, 2", iterations: 200);

    [Fact]
    public async Task A_worker_killed_with_sigkill_loses_no_run_and_no_run_completes_twice()
    {
        var (file, results) = TestSweeps.WriteSweepFile(Grid);
        var port = NodeProcess.FreePort().ToString();

        using var seed = CliProcess.Start("run", file, "--no-local-trainers", "--port", port, "--down-after", "2");
        var seedOut = seed.StandardOutput.ReadToEndAsync();
        var seedErr = seed.StandardError.ReadToEndAsync();
        using var keeper = CliProcess.Start("worker", "--join", $"127.0.0.1:{port}", "--results", results, "--cpu-slots", "1");
        var keeperOut = keeper.StandardOutput.ReadToEndAsync();
        using var doomed = CliProcess.Start("worker", "--join", $"127.0.0.1:{port}", "--results", results, "--cpu-slots", "1");
        try
        {
            string? doomedNode = null, movedRun = null;
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (movedRun is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                var status = TestSweeps.TryReadStatus(results);
                // The doomed worker's node name ends with its port, which only the status file tells: take the
                // node of any running run that has a checkpoint and is not the only node seen so far.
                var candidate = status?.Runs.FirstOrDefault(r => r.State == RunState.Running && r.CheckpointStep > 0);
                if (candidate is not null && status!.Devices.Select(d => d.Node).Distinct().Count() == 2)
                    (doomedNode, movedRun) = (candidate.Node, candidate.Id);
            }
            Assert.NotNull(movedRun);
            // Kill the worker process that listens on that node's port.
            var victim = WorkerFor(doomedNode!, keeper, doomed);
            output.WriteLine($"killing worker {doomedNode} (pid {victim.Id}) while it trains {movedRun}");
            victim.Kill(entireProcessTree: false);

            Assert.True(seed.WaitForExit(TimeSpan.FromMinutes(3)), "the sweep did not finish");
            Assert.True(seed.ExitCode == 0, await seedErr);

            var final = SweepStatus.Read(results)!;
            Assert.Equal(SweepState.Finished, final.State);
            foreach (var run in final.Runs)
            {
                Assert.Equal(RunState.Completed, run.State);
                Assert.Single(run.Attempts, a => a.Outcome == "completed");
                Assert.Equal(0, run.Failures);
            }
            var moved = final.Runs.Single(r => r.Id == movedRun);
            Assert.Contains(moved.Attempts, a => a.Node == doomedNode && a.Outcome!.StartsWith("interrupted", StringComparison.Ordinal));
            Assert.NotEqual(doomedNode, moved.Attempts[^1].Node);
            Assert.True(moved.Attempts[^1].ResumedFrom > 0, $"resumed from {moved.Attempts[^1].ResumedFrom}");
        }
        finally
        {
            foreach (var p in new[] { seed, keeper, doomed })
                if (!p.HasExited) p.Kill(entireProcessTree: true);
            output.WriteLine("seed:\n" + await seedOut);
            output.WriteLine("keeper:\n" + await keeperOut);
        }
    }

    [Fact]
    public async Task The_seed_killed_and_started_again_recovers_its_ledger_and_the_worker_rejoins_by_itself()
    {
        var (file, results) = TestSweeps.WriteSweepFile(TestSweeps.CopyGridFile("asrnn, exprnn, lstm", "1", iterations: 200));
        var port = NodeProcess.FreePort().ToString();
        string[] seedArgs = ["run", file, "--no-local-trainers", "--port", port, "--down-after", "2"];

        using var worker = CliProcess.Start("worker", "--join", $"127.0.0.1:{port}", "--results", results, "--cpu-slots", "1", "--down-after", "2");
        var workerOut = worker.StandardOutput.ReadToEndAsync();
        try
        {
            using (var first = CliProcess.Start(seedArgs))
            {
                var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
                while (DateTime.UtcNow < deadline && TestSweeps.TryReadStatus(results)?.Runs.Any(r => r.State == RunState.Completed) != true)
                    await Task.Delay(100);
                first.Kill(entireProcessTree: false);
                first.WaitForExit();
            }
            var completedBefore = SweepStatus.Read(results)!.Runs.Where(r => r.State == RunState.Completed).Select(r => r.Id).ToHashSet();
            Assert.NotEmpty(completedBefore);

            var (exit, stdout, stderr) = CliProcess.Run(seedArgs);
            output.WriteLine(stdout);
            Assert.True(exit == 0, stderr);
            Assert.Contains($"ledger: 3 runs, {completedBefore.Count} completed", stdout);
            var final = SweepStatus.Read(results)!;
            Assert.All(final.Runs, r => Assert.Equal(RunState.Completed, r.State));
            Assert.All(final.Runs.Where(r => completedBefore.Contains(r.Id)), r => Assert.Single(r.Attempts));
        }
        finally
        {
            if (!worker.HasExited) worker.Kill(entireProcessTree: true);
            output.WriteLine(await workerOut);
        }
    }

    /// <summary>The worker process whose node (host:port) the supervisor reports; found through its listening port.</summary>
    static Process WorkerFor(string node, Process a, Process b)
    {
        var port = node[(node.LastIndexOf(':') + 1)..];
        // Listening sockets belong to one process: read /proc/net/tcp inodes against each process's fds.
        var inode = ListeningInode(int.Parse(port));
        foreach (var p in new[] { a, b })
            if (Directory.GetFiles($"/proc/{p.Id}/fd").Any(fd => new FileInfo(fd).LinkTarget == $"socket:[{inode}]"))
                return p;
        throw new InvalidOperationException($"no worker listens on {port}");
    }

    static string ListeningInode(int port)
    {
        foreach (var line in File.ReadLines("/proc/net/tcp").Concat(File.Exists("/proc/net/tcp6") ? File.ReadLines("/proc/net/tcp6") : []).Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 9 && f[1].EndsWith($":{port:X4}") && f[3] == "0A") return f[9];
        }
        throw new InvalidOperationException($"nothing listens on {port}");
    }

}
