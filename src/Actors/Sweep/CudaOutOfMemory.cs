namespace AsRnnGrid.Actors.Sweep;

/// <summary>
/// Whether a child's error output says it ran out of GPU memory. libtorch's caching allocator throws
/// "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of ..." (TorchSharp raises it as an
/// ExternalException, which `train` prints as its one error line); a CUDA call that fails to allocate outside the
/// allocator (a context, cuBLAS or cuDNN workspaces) reports "CUDA error: out of memory", CUBLAS_STATUS_ALLOC_FAILED or
/// CUDNN_STATUS_ALLOC_FAILED.
/// </summary>
public static class CudaOutOfMemory
{
    static readonly string[] Messages = ["CUDA out of memory", "CUDA error: out of memory", "CUBLAS_STATUS_ALLOC_FAILED", "CUDNN_STATUS_ALLOC_FAILED"];

    public static bool In(string output) => Messages.Any(m => output.Contains(m, StringComparison.Ordinal));
}
