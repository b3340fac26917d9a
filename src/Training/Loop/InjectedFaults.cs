namespace AsRnnGrid.Training.Loop;

/// <summary>
/// Test-only faults at a given step, for the sweep's retry, give-up, heartbeat and out-of-memory tests
/// (`train --fail_at_step` and its siblings): the loop asks once before each step and knows nothing of them.
/// </summary>
public sealed record InjectedFaults
{
    public static readonly InjectedFaults None = new();

    /// <summary>Throw at this step.</summary>
    public long? FailAtStep { get; init; }
    /// <summary>The loss of this step reads as NaN.</summary>
    public long? NanAtStep { get; init; }
    /// <summary>Hang at this step, silent.</summary>
    public long? HangAtStep { get; init; }
    /// <summary>Throw at this step what TorchSharp throws when libtorch's CUDA allocator is out of memory (the sweep's resource-failure tests).</summary>
    public long? OutOfMemoryAtStep { get; init; }

    /// <summary>Before step <paramref name="step"/>: throws or hangs where told to; the failure of an injected NaN, or null.</summary>
    public string? Before(long step)
    {
        if (FailAtStep == step)
            throw new InjectedFaultException($"injected fault at step {step} (test setting)");
        if (HangAtStep == step)
            Thread.Sleep(Timeout.Infinite);
        if (OutOfMemoryAtStep == step)
            throw new System.Runtime.InteropServices.ExternalException(
                "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 812.00 MiB is free. "
                + $"Including non-PyTorch memory, this process has 1.25 GiB memory in use. (test setting at step {step})");
        return NanAtStep == step ? $"loss became NaN at step {step + 1} (test setting)" : null;
    }
}

/// <summary>A fault injected by a test setting; the sweep treats it as any other failed attempt.</summary>
public sealed class InjectedFaultException(string message) : Exception(message);
