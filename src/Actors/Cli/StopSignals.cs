using System.Runtime.InteropServices;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// SIGINT and SIGTERM ask for an orderly stop (<see cref="Token"/>): `train` checkpoints at the next iteration
/// boundary, `run` stops every run at a checkpoint, `worker` hands its runs back. A second SIGINT exits at once
/// (the checkpoints already written stay valid: they are renamed into place whole).
/// </summary>
public sealed class StopSignals : IDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly PosixSignalRegistration[] _registrations;
    readonly string _stopping;
    readonly string _exiting;
    int _interrupts;

    /// <param name="stopping">What the first signal does, as the person at the terminal reads it.</param>
    /// <param name="exiting">What exiting at once leaves behind.</param>
    public StopSignals(string stopping = "checkpointing and stopping after this iteration", string exiting = "exiting now")
    {
        _stopping = stopping;
        _exiting = exiting;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>
    /// A sweep's child run: when the trainer's process dies, even by SIGKILL, this run checkpoints and stops
    /// instead of training on unsupervised while the next sweep starts the same run again.
    /// </summary>
    public void StopWhenParentDies()
    {
        int parent = getppid();
        var thread = new Thread(() =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Thread.Sleep(500);
                if (getppid() == parent) continue;
                Console.Error.WriteLine("the parent process is gone: checkpointing and stopping");
                try { _stop.Cancel(); } catch (ObjectDisposedException) { }
                return;
            }
        }) { IsBackground = true, Name = "parent-watch" };
        thread.Start();
    }

    [DllImport("libc")] static extern int getppid();

    void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (context.Signal == PosixSignal.SIGINT && Interlocked.Increment(ref _interrupts) > 1)
        {
            Console.Error.WriteLine($"second interrupt: {_exiting}");
            Environment.Exit(130);
        }
        Console.Error.WriteLine($"{context.Signal}: {_stopping}");
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _stop.Dispose();
    }
}
