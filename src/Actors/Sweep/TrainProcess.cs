using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// One `asrnn-grid train` child process. A native crash, an out-of-memory kill or a CUDA error ends this process
/// only, never the trainer's node. Its stdout lines (JSON progress) and its exit reach the caller's callbacks,
/// from thread-pool threads; the trainer actor turns them into messages to itself.
/// </summary>
public sealed class TrainProcess : IDisposable
{
    const int SigTerm = 15;
    const string SetSid = "/usr/bin/setsid";
    readonly Process _process;
    readonly Queue<string> _stderrTail = new();

    TrainProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    /// <summary>The last lines the child wrote on stderr (its one-line error, if it had one).</summary>
    public string StderrTail
    {
        get { lock (_stderrTail) return string.Join(" | ", _stderrTail); }
    }

    public static TrainProcess Start(TrainLauncher launcher, IEnumerable<string> arguments, int? threads,
        Action<string> onLine, Action<int> onExit)
    {
        // In a session of its own (setsid execs in place, so the pid stays the child's): a Ctrl-C at the terminal
        // reaches the sweep alone, which then stops each run in order, instead of every run at once behind its back.
        bool ownSession = File.Exists(SetSid);
        var psi = new ProcessStartInfo(ownSession ? SetSid : launcher.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        if (ownSession) psi.ArgumentList.Add(launcher.FileName);
        foreach (var a in launcher.PrefixArguments) psi.ArgumentList.Add(a);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        // A live table or colour codes mean nothing to a parent reading JSON lines.
        psi.Environment["NO_COLOR"] = "1";
        if (threads is { } n)
        {
            psi.Environment["OMP_NUM_THREADS"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            psi.Environment["MKL_NUM_THREADS"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new TrainProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) onLine(line); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line) return;
            lock (child._stderrTail)
            {
                child._stderrTail.Enqueue(line);
                while (child._stderrTail.Count > 3) child._stderrTail.Dequeue();
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // WaitForExitAsync also waits for the redirected streams to end, so every line arrives before the exit.
        _ = Task.Run(async () =>
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
            onExit(process.ExitCode);
        });
        return child;
    }

    /// <summary>Asks the run to checkpoint and exit (SIGTERM).</summary>
    public void Terminate()
    {
        try
        {
            if (!_process.HasExited) kill(_process.Id, SigTerm);
        }
        catch (InvalidOperationException) { }
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public bool HasExited
    {
        get
        {
            try { return _process.HasExited; }
            catch (InvalidOperationException) { return true; }
        }
    }

    public void Dispose() => _process.Dispose();

    [DllImport("libc", SetLastError = true)] static extern int kill(int pid, int signal);
}
