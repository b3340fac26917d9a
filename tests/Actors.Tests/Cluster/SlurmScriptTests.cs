using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using AsRnnGrid.Actors.Cli;

namespace AsRnnGrid.Actors.Tests.Cluster;

/// <summary>
/// deploy/slurm/asrnn-grid-workers.sbatch without SLURM: its asrnn-grid command lines against the CLI's own model, its
/// GPU list from fake SLURM variables, and its batch shell with stand-ins for srun and the worker (the worker's real
/// arguments parsed by the real CLI, SIGTERM forwarded to it and the job ending once it has left).
/// </summary>
public sealed partial class SlurmScriptTests
{
    static readonly string Script = Path.Combine(RepositoryPaths.Root, "deploy", "slurm", "asrnn-grid-workers.sbatch");

    static Command Subcommand(string name) => CommandLine.Build().Subcommands.Single(c => c.Name == name);

    static HashSet<string> FlagsOf(string command) =>
        Subcommand(command).Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Every_flag_the_script_and_the_readme_give_asrnn_grid_exists_on_its_command()
    {
        var lines = new List<(string Command, string Line)>();
        foreach (var line in File.ReadLines(Script))
        {
            // The worker's arguments are built in one bash array; the header's examples name their command.
            if (line.Contains("worker_args=(") || line.Contains("worker_args+=(")) lines.Add(("worker", line));
            else if (AsrnnGridCommand().Match(line) is { Success: true } m) lines.Add((m.Groups[1].Value, line));
        }
        foreach (var line in ReadmeSection("On a SLURM cluster"))
            if (AsrnnGridCommand().Match(line) is { Success: true } m) lines.Add((m.Groups[1].Value, line));
        Assert.Contains(lines, l => l.Command == "worker");
        Assert.Contains(lines, l => l.Command == "run");
        foreach (var (command, line) in lines)
        {
            var flags = FlagsOf(command);
            var used = Flag().Matches(line.Split(" #")[0]).Select(f => f.Value).ToArray();
            Assert.NotEmpty(used);
            foreach (var flag in used) Assert.True(flags.Contains(flag), $"asrnn-grid {command} has no {flag}: {line.Trim()}");
        }
        // The sbatch line of the README names the script that exists.
        Assert.Contains(ReadmeSection("On a SLURM cluster"), l => l.Contains("sbatch ") && l.Contains("deploy/slurm/asrnn-grid-workers.sbatch"));
    }

    [SkippableFact]
    public void The_script_parses_and_passes_shellcheck_where_it_is_installed()
    {
        var (exit, output) = Bash(["-n", Script], new());
        Assert.True(exit == 0, output);
        Skip.If(!File.Exists("/usr/bin/shellcheck") && !File.Exists("/usr/local/bin/shellcheck"), "shellcheck is not installed (bash -n passed)");
        var (lint, report) = Run("shellcheck", [Script], new());
        Assert.True(lint == 0, report);
    }

    [Theory]
    [InlineData("CUDA_VISIBLE_DEVICES=2,3", "0,1", "2,3")]                               // SLURM's for the step, not renumbered
    [InlineData("CUDA_VISIBLE_DEVICES=0,1,2,3", "0,1,2,3", "0,1,2,3")]                   // renumbered by a device cgroup
    [InlineData("CUDA_VISIBLE_DEVICES=GPU-8932f937,GPU-1c7b4e2a", "0,1", "GPU-8932f937,GPU-1c7b4e2a")]
    [InlineData("SLURM_JOB_GPUS=4,5,6", "0,1,2", "4,5,6")]                                // a site that sets no CUDA_VISIBLE_DEVICES
    [InlineData("SLURM_STEP_GPUS=5 SLURM_JOB_GPUS=4,5,6", "0", "5")]
    [InlineData("CUDA_VISIBLE_DEVICES=NoDevFiles SLURM_JOB_GPUS=", "", "unset")]
    [InlineData("", "", "unset")]                                                        // no GPUs: CPU slots
    public void The_gpu_list_comes_from_cuda_visible_devices_or_slurm_s_ids_numbered_as_libtorch_numbers_them(string variables, string gpus, string visible)
    {
        var environment = Clean();
        foreach (var pair in variables.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            environment[pair[..pair.IndexOf('=')]] = pair[(pair.IndexOf('=') + 1)..];
        var (exit, output) = Bash([Script, "--print-gpus"], environment);
        Assert.True(exit == 0, output);
        Assert.Equal($"gpus={gpus}\nCUDA_VISIBLE_DEVICES={visible}\n", output);
    }

    [Fact]
    public void Without_the_seed_s_address_the_job_stops_at_once_saying_what_to_set()
    {
        var (exit, output) = Bash([Script], Clean());
        Assert.Equal(1, exit);
        Assert.Contains("set ASRNN_GRID_JOIN to HOST:PORT of the seed", output);
    }

    [Fact]
    public void The_batch_shell_starts_a_worker_with_its_gpus_and_forwards_sigterm_so_that_it_leaves_before_the_job_ends()
    {
        var folder = Directory.CreateTempSubdirectory("asrnn-slurm-").FullName;
        var bin = Directory.CreateDirectory(Path.Combine(folder, "bin")).FullName;
        Executable(Path.Combine(bin, "srun"), $$"""
            #!/usr/bin/env bash
            # srun's stand-in: runs the step's command here, once, and forwards SIGTERM to it as srun does to its tasks.
            echo "$*" > "{{folder}}/srun-args"
            while [[ "${1:-}" == --* ]]; do shift; done
            "$@" &
            task=$!
            trap 'kill -TERM "$task"' TERM
            status=0
            while kill -0 "$task" 2> /dev/null; do wait "$task" && status=0 || status=$?; done
            exit "$status"
            """);
        var worker = Executable(Path.Combine(bin, "fake-asrnn-grid"), $$"""
            #!/usr/bin/env bash
            # The worker's stand-in: records how it was started, leaves on SIGTERM.
            printf '%s\n' "$@" > "{{folder}}/worker-args"
            echo "${CUDA_VISIBLE_DEVICES:-unset}" > "{{folder}}/worker-cuda"
            trap 'echo left > "{{folder}}/worker-left"; exit 0' TERM
            touch "{{folder}}/worker-ready"
            while true; do sleep 0.1; done
            """);
        var environment = Clean();
        environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        environment["ASRNN_GRID"] = worker;
        environment["ASRNN_GRID_JOIN"] = "login1.lab:4053";
        environment["SLURM_JOB_GPUS"] = "2,3";
        environment["GPU_MIN_FREE_MIB"] = "4096";
        environment["GPU_SHARE"] = "never";

        using var job = Start("bash", [Script], environment);
        var output = job.StandardOutput.ReadToEndAsync();
        WaitFor(() => File.Exists(Path.Combine(folder, "worker-ready")), job);
        Assert.False(File.Exists(Path.Combine(folder, "worker-left")));
        // What SLURM's --signal=B:TERM@120 does: SIGTERM to the batch shell alone.
        using (var kill = Process.Start("kill", ["-TERM", job.Id.ToString()])) kill.WaitForExit();
        Assert.True(job.WaitForExit(30_000), "the job did not end after SIGTERM");
        Assert.True(job.ExitCode == 0, output.Result);
        Assert.True(File.Exists(Path.Combine(folder, "worker-left")), "the worker never got the SIGTERM");
        Assert.Contains("SIGTERM: the workers hand their runs back and leave", output.Result);
        Assert.Contains("the workers have left (srun exit 0)", output.Result);

        Assert.StartsWith("--ntasks-per-node=1 --kill-on-bad-exit=0 bash -c", File.ReadAllText(Path.Combine(folder, "srun-args")));
        Assert.Equal("2,3", File.ReadAllText(Path.Combine(folder, "worker-cuda")).Trim());
        var args = File.ReadAllLines(Path.Combine(folder, "worker-args"));
        // The real command line, read by the real CLI: every option known, every value of its type.
        var parsed = CommandLine.Build().Parse(args);
        Assert.Empty(parsed.Errors);
        Assert.Equal("worker", parsed.CommandResult.Command.Name);
        string Value(string flag) => args[Array.IndexOf(args, flag) + 1];
        Assert.Equal(("login1.lab:4053", "0.0.0.0", "0,1", "2", "4096", "never", "0"),
            (Value("--join"), Value("--hostname"), Value("--gpus"), Value("--slots-per-gpu"), Value("--gpu-min-free-mib"), Value("--gpu-share"), Value("--port")));
    }

    /// <summary>The environment of a node outside any allocation: no SLURM variables, no CUDA_VISIBLE_DEVICES.</summary>
    static Dictionary<string, string?> Clean()
    {
        var environment = new Dictionary<string, string?>();
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (key.StartsWith("SLURM_", StringComparison.Ordinal) || key is "CUDA_VISIBLE_DEVICES" or "ASRNN_GRID_JOIN" or "ASRNN_GRID")
                environment[key] = null;
        return environment;
    }

    static IEnumerable<string> ReadmeSection(string title)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "README.md"));
        int start = Array.FindIndex(lines, l => l.TrimStart('#').Trim() == title && l.StartsWith('#'));
        Assert.True(start >= 0, $"README.md has no section '{title}'");
        return lines.Skip(start + 1).TakeWhile(l => !l.StartsWith('#'));
    }

    static string Executable(string path, string text)
    {
        File.WriteAllText(path, text.Replace("\r", "") + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    static void WaitFor(Func<bool> condition, Process job)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.False(job.HasExited, "the job ended before its worker started");
            Assert.True(DateTime.UtcNow < deadline, "the worker did not start within 30 s");
            Thread.Sleep(50);
        }
    }

    static (int Exit, string Output) Bash(string[] args, Dictionary<string, string?> environment) => Run("bash", args, environment);

    static (int Exit, string Output) Run(string program, string[] args, Dictionary<string, string?> environment)
    {
        using var p = Start(program, args, environment);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000)) { p.Kill(true); throw new TimeoutException(program); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    static Process Start(string program, string[] args, Dictionary<string, string?> environment)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (key, value) in environment)
            if (value is null) psi.Environment.Remove(key);
            else psi.Environment[key] = value;
        return Process.Start(psi)!;
    }

    [GeneratedRegex(@"asrnn-grid (run|worker)\b")]
    private static partial Regex AsrnnGridCommand();

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z-]*")]
    private static partial Regex Flag();
}
