using System.ComponentModel;
using System.Diagnostics;

namespace AsRnnGrid.Training.Gpus;

/// <summary>
/// nvidia-smi, NVML's command line, as asrnn-grid asks it: the two CSV queries (<see cref="GpuQuery"/>,
/// <see cref="AppQuery"/>) and running them. TorchSharp exposes neither free memory nor a GPU's processes, and asking
/// libtorch would create a CUDA context (hundreds of MiB) on every GPU in the asking process; NVML reads both without one.
/// nvidia-smi numbers every GPU of the machine whatever CUDA_VISIBLE_DEVICES says (<see cref="CudaVisibleDevices"/>).
/// </summary>
public sealed class NvidiaSmi(string program = NvidiaSmi.DefaultProgram, TimeSpan? timeout = null)
{
    public const string DefaultProgram = "nvidia-smi";

    /// <summary>One row per GPU, in the columns <see cref="NvidiaSmiCsv"/> reads.</summary>
    public const string GpuQuery = "--query-gpu=index,uuid,name,mig.mode.current,memory.total,memory.used,memory.free --format=csv,noheader,nounits";

    /// <summary>One row per process with a compute context, on the GPU of that UUID.</summary>
    public const string AppQuery = "--query-compute-apps=gpu_uuid,pid,process_name,used_memory --format=csv,noheader,nounits";

    public string Program { get; } = program;

    /// <summary>A GPU in a bad state can keep nvidia-smi waiting on the driver: it is killed after this long (15 s).</summary>
    public TimeSpan Timeout { get; } = timeout ?? TimeSpan.FromSeconds(15);

    /// <summary>Both queries, read into a <see cref="GpuListing"/> (which says so where nvidia-smi is missing or failed).</summary>
    public GpuListing List()
    {
        var gpus = Run(GpuQuery);
        return NvidiaSmiCsv.Listing(gpus, gpus is { Installed: true, TimedOut: false } ? Run(AppQuery) : gpus);
    }

    /// <summary>Runs nvidia-smi with <paramref name="arguments"/>: its stdout then its stderr, its exit code.</summary>
    public NvidiaSmiOutput Run(string arguments)
    {
        var psi = new ProcessStartInfo(Program, arguments)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = false, UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new Win32Exception($"{Program} did not start");
        }
        catch (Win32Exception)
        {
            return NvidiaSmiOutput.NotInstalled;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { }
                return new NvidiaSmiOutput(true, -1, "", TimedOut: true);
            }
            process.WaitForExit();
            return new NvidiaSmiOutput(true, process.ExitCode, stdout.Result + stderr.Result, TimedOut: false);
        }
    }
}

/// <summary>What one nvidia-smi command printed (stdout, then stderr) and how it ended.</summary>
public sealed record NvidiaSmiOutput(bool Installed, int ExitCode, string Text, bool TimedOut)
{
    public static readonly NvidiaSmiOutput NotInstalled = new(false, -1, "", false);
}
