using System.CommandLine;
using System.Globalization;
using AsRnnGrid.Actors.Cluster;
using AsRnnGrid.Actors.Sweep;
using AsRnnGrid.Actors.Sweep.Gpu;
using AsRnnGrid.Training.Configuration;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// `asrnn-grid worker --join HOST:PORT --results DIR`: a node with trainers only, holding the sweep's key from DIR.
/// It keeps trying to join until the seed answers; when the cluster takes it out (the seed was restarted, the network failed) it starts afresh and joins again.
/// SIGTERM or Ctrl-C: its runs checkpoint and go back to the queue, then it leaves the cluster.
/// Exit codes (<see cref="ExitCode"/>): 0 left, 2 bad input or refused by the sweep.
/// </summary>
public static class WorkerCommand
{
    static readonly TimeSpan LeaveDeadline = TimeSpan.FromSeconds(28);

    public static Command Build()
    {
        var command = new Command("worker", "lend this machine's devices to a sweep started elsewhere with `asrnn-grid run`");
        var join = new Option<string>("--join") { Description = "the seed's HOST:PORT (the `run` node)", Required = true };
        var results = new Option<string>("--results") { Description = "the sweep's results folder, as the seed sees it: the sweep's key is there (needed unless --insecure-plaintext)" };
        var gpus = new Option<string>("--gpus") { Description = "GPU indices to use, e.g. 0,1 (default: every GPU libtorch sees)" };
        var slotsPerGpu = new Option<int>("--slots-per-gpu") { Description = "trainer slots per GPU (default 2, as a sweep file's slots_per_gpu)", DefaultValueFactory = _ => 2 };
        var cpuSlots = new Option<int?>("--cpu-slots") { Description = "trainer slots without a GPU (default one per two cores)" };
        var minFree = new Option<long?>("--gpu-min-free-mib")
        {
            Description = "free GPU memory a slot needs to start a run (default: the sweep file's gpu_min_free_mib, else the run's expected peak plus a margin, else 2048; 0: no check)",
        };
        var share = new Option<string>("--gpu-share") { Description = "never: a GPU with another user's process takes no run; free-memory: free memory decides (default: the sweep file's gpu_share, else free-memory)" };
        share.AcceptOnlyFromAmong(Enum.GetValues<GpuShare>().Select(v => v.Text()).ToArray());
        command.Options.Add(join);
        command.Options.Add(results);
        command.Options.Add(gpus);
        command.Options.Add(slotsPerGpu);
        command.Options.Add(cpuSlots);
        command.Options.Add(minFree);
        command.Options.Add(share);
        var node = new NodeOptions(command, defaultPort: 0);
        command.SetAction(parsed =>
        {
            var seed = parsed.GetValue(join)!;
            if (seed.Split(':') is not [{ Length: > 0 }, var port] || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                throw new ConfigurationException($"--join: '{seed}' is not HOST:PORT");
            if (parsed.GetValue(slotsPerGpu) < 1) throw new ConfigurationException("--slots-per-gpu: must be at least 1");
            if (parsed.GetValue(cpuSlots) is < 1) throw new ConfigurationException("--cpu-slots: must be at least 1");
            if (parsed.GetValue(minFree) is < 0 or > GpuOptions.MaxMinFreeMiB)
                throw new ConfigurationException($"--gpu-min-free-mib: {parsed.GetValue(minFree)} is not between 0 and {GpuOptions.MaxMinFreeMiB} MiB");
            GpuShare? gpuShare = parsed.GetValue(share) is { } text && EnumText.TryParse<GpuShare>(text, out var s) ? s : null;
            var endpoint = node.Endpoint(parsed);
            var slots = DeviceSlots.Discover(parsed.GetValue(slotsPerGpu), parsed.GetValue(cpuSlots), ParseGpus(parsed.GetValue(gpus)));
            bool plaintext = node.InsecurePlaintext(parsed);
            string? keyFolder = null;
            if (plaintext) Log(NodeSecurity.PlaintextWarning($"{endpoint.Hostname}:{endpoint.Port}"));
            else keyFolder = Path.GetFullPath(parsed.GetValue(results) ?? throw new ConfigurationException(
                "--results: a worker needs the sweep's results folder, which holds the sweep's key (the seed's `run` prints it), or --insecure-plaintext"));
            var options = new WorkerHostOptions
            {
                Join = seed,
                Endpoint = endpoint,
                Security = new NodeSecurity.InsecurePlaintext(), // until the key is read (Run)
                DownAfter = node.DownAfter(parsed),
                Slots = slots,
                Faults = FaultPlan.Parse(Environment.GetEnvironmentVariable(FaultPlan.EnvironmentVariable)),
                Gpu = new GpuSettings { Options = new GpuOptions(parsed.GetValue(minFree), gpuShare) },
                OnEvent = Log,
            };
            return Run(options, keyFolder);
        });
        return command;
    }

    static void Log(string text)
    {
        Console.Out.WriteLine($"{DateTimeOffset.Now:HH:mm:ss} {text}");
        Console.Out.Flush();
    }

    /// <summary>
    /// The sweep's key, read once, as soon as the seed has created it (workers may start first). Read once: a worker
    /// holding an old key after `run --rotate-key` is refused, not silently given the new one. Null: asked to stop.
    /// </summary>
    static SweepCertificate? WaitForKey(string results, Task stop)
    {
        bool said = false;
        while (true)
        {
            if (SweepCertificate.TryRead(results) is { } key)
            {
                Log($"sweep key {key.Fingerprint} from {key.PathName}");
                return key;
            }
            if (!said) Log($"waiting for the sweep key {SweepCertificate.PathIn(results)} (the seed's `asrnn-grid run` creates it on its first start; is --results the seed's results folder?)");
            said = true;
            if (Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(1))).GetAwaiter().GetResult() == stop) return null;
        }
    }

    static IReadOnlyList<int>? ParseGpus(string? text)
    {
        if (text is null) return null;
        var list = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var g))
                throw new ConfigurationException($"--gpus: '{part}' is not a GPU index");
            if (list.Contains(g)) throw new ConfigurationException($"--gpus: GPU {g} is named twice (slots per GPU: --slots-per-gpu)");
            list.Add(g);
        }
        return list;
    }

    static int Run(WorkerHostOptions options, string? keyFolder)
    {
        var leave = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var signals = new StopSignals("handing the runs back and leaving (a second Ctrl-C exits at once)",
            "exiting now (the runs checkpoint on their own)");
        signals.Token.Register(() => leave.TrySetResult());
        if (keyFolder is not null)
        {
            if (WaitForKey(keyFolder, leave.Task) is not { } key) return (int)ExitCode.Success;
            options = options with { Security = new NodeSecurity.MutualTls(key) };
        }
        Log($"joining {options.Join} with {options.Slots.Count} slots ({string.Join(", ", options.Slots.Select(s => $"{s.Device} slot {s.Slot}"))})");
        while (true)
        {
            var host = WorkerHost.Start(options);
            var first = Task.WhenAny(host.Ended, leave.Task).GetAwaiter().GetResult();
            if (first == host.Ended && host.Ended.Result is { } refusal)
            {
                Console.Error.WriteLine("error: " + refusal);
                host.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(30));
                return (int)ExitCode.BadInput;
            }
            if (first == leave.Task)
            {
                Log("leaving: every run checkpoints and goes back to the queue");
                host.LeaveAsync(LeaveDeadline).Wait(LeaveDeadline + TimeSpan.FromSeconds(5));
                host.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
                Log("left the cluster");
                return (int)ExitCode.Success;
            }
            // The cluster took this node out (the seed restarted or was unreachable): start afresh and join again.
            Log("this node was taken out of the cluster; joining again");
            Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(2)), leave.Task).Wait();
            if (leave.Task.IsCompleted) return (int)ExitCode.Success;
        }
    }
}
