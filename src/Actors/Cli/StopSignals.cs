using System.Runtime.InteropServices;

namespace AsRnnGrid.Actors.Cli;

/// <summary>
/// SIGINT and SIGTERM ask the run to stop: it checkpoints at the next iteration boundary and exits.
/// A second SIGINT exits at once (the checkpoints already written stay valid: they are renamed into place whole).
/// </summary>
public sealed class StopSignals : IDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly PosixSignalRegistration[] _registrations;
    int _interrupts;

    public StopSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    public CancellationToken Token => _stop.Token;

    void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (context.Signal == PosixSignal.SIGINT && Interlocked.Increment(ref _interrupts) > 1)
        {
            Console.Error.WriteLine("second interrupt: exiting now");
            Environment.Exit(130);
        }
        Console.Error.WriteLine($"{context.Signal}: checkpointing and stopping after this iteration");
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _stop.Dispose();
    }
}
