using System.Runtime.InteropServices;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// SIGINT or SIGTERM to `run`: the sweep stops in order (every run checkpoints, the ledger is written). A second
/// SIGINT exits at once; the runs notice their parent is gone and checkpoint on their own.
/// </summary>
public sealed class SweepSignals : IDisposable
{
    readonly PosixSignalRegistration[] _registrations;
    readonly Action<string> _stop;
    int _interrupts;

    public SweepSignals(Action<string> stop)
    {
        _stop = stop;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (context.Signal == PosixSignal.SIGINT && Interlocked.Increment(ref _interrupts) > 1)
        {
            Console.Error.WriteLine("second interrupt: exiting now (the runs checkpoint on their own)");
            Environment.Exit(130);
        }
        Console.Error.WriteLine($"{context.Signal}: stopping the sweep; every run checkpoints (a second Ctrl-C exits at once)");
        _stop(context.Signal.ToString());
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
    }
}
