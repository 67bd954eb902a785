namespace CudaCnn.Runtime;

/// <summary>
/// The seam between the library and a device. <see cref="CudaGpu"/> drives a real GPU through the driver API;
/// the software GPU (CudaCnn.Sim) interprets the same PTX on the CPU. Keep it small: memory, modules, launches,
/// synchronization, timing and device facts. Everything is ordered on one stream per device.
/// </summary>
public interface IGpu : IDisposable
{
    DeviceInfo Info { get; }

    /// <summary>The code this device wants from the kernel compiler (cubin for its arch, or PTX).</summary>
    CompileTarget PreferredTarget { get; }

    /// <summary>Number of live allocations; a training loop returns it to its start value.</summary>
    int LiveAllocations { get; }

    DevicePtr Allocate(long bytes);
    void Free(DevicePtr ptr);

    void CopyToDevice<T>(DevicePtr dst, ReadOnlySpan<T> src) where T : unmanaged;
    void CopyToHost<T>(DevicePtr src, Span<T> dst) where T : unmanaged;
    void CopyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes);

    /// <summary>Writes <paramref name="count"/> copies of a 32-bit pattern starting at <paramref name="dst"/>.</summary>
    void Fill32(DevicePtr dst, uint pattern, long count);

    /// <summary>Loads a compiled module; the image must be of a kind this device accepts.</summary>
    IGpuModule LoadModule(CompiledModule module);

    /// <summary>Enqueues a kernel. Allocation-free: the arguments are packed in a value type.</summary>
    void Launch(GpuKernel kernel, in LaunchConfig config, in KernelArgs args);

    void Synchronize();

    /// <summary>A pair of timing events; elapsed time is measured on the device's own clock.</summary>
    IGpuTimer CreateTimer();
}

/// <summary>A loaded module: resolves kernels by their extern "C" names.</summary>
public interface IGpuModule : IDisposable
{
    CompiledModule Source { get; }
    GpuKernel GetKernel(string name);
}

/// <summary>A kernel in a loaded module. Backends subclass it to keep their own handle.</summary>
public abstract class GpuKernel(string name, IGpuModule module)
{
    public string Name { get; } = name;
    public IGpuModule Module { get; } = module;
    public override string ToString() => Name;
}

public interface IGpuTimer : IDisposable
{
    void Start();
    void Stop();
    /// <summary>Milliseconds between Start and Stop; synchronizes on the stop event.</summary>
    float ElapsedMilliseconds { get; }
}

public sealed record DeviceInfo(
    string Name,
    string Backend,
    int ComputeMajor,
    int ComputeMinor,
    int MultiprocessorCount,
    long TotalMemoryBytes,
    int MaxThreadsPerBlock,
    int MaxSharedMemoryPerBlock,
    int WarpSize)
{
    public string Arch => $"sm_{ComputeMajor}{ComputeMinor}";

    /// <summary>The largest single allocation the device supports (the software GPU backs each with one .NET array);
    /// <see cref="long.MaxValue"/> where only <see cref="TotalMemoryBytes"/> limits it.</summary>
    public long MaxAllocationBytes { get; init; } = long.MaxValue;
}
