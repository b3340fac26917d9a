namespace AsRnnGrid.Training.Tests;

/// <summary>
/// Test classes that run alone, after the parallel ones. TorchSharp 0.107 frees an implicitly converted Scalar (the
/// optimisers' `mul_(beta)`, `addcmul_(…, value)`, …) in its finalizer, which a garbage collection set off by another
/// thread can run while the native call still reads it ("Unknown scalar type", "Expected false to be true" in
/// RMSProp/Adam.step). Long CPU-bound training tests beside each other make that likely on a loaded machine; alone,
/// only their own thread allocates, and it is never inside a native call when it does.
/// </summary>
[CollectionDefinition("Serial", DisableParallelization = true)]
public sealed class SerialCollection { }
