using CudaCnn.Runtime;

namespace CudaCnn.Benchmarking;

/// <summary>
/// A device that forwards memory, modules and timers to an inner device but only counts launches: what remains is
/// the host-side cost of the launch path (launchers, argument packing, validation, the graph), with no kernel run.
/// Used to measure managed overhead and allocations per launch and per training step. Does not own the inner device.
/// </summary>
public sealed class DryRunGpu(IGpu inner) : IGpu
{
    private readonly IGpu _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>Launches accepted (and not run) so far.</summary>
    public long Launches { get; private set; }

    public DeviceInfo Info => _inner.Info;
    public CompileTarget PreferredTarget => _inner.PreferredTarget;
    public int LiveAllocations => _inner.LiveAllocations;
    public DevicePtr Allocate(long bytes) => _inner.Allocate(bytes);
    public void Free(DevicePtr ptr) => _inner.Free(ptr);
    public void CopyToDevice<T>(DevicePtr dst, ReadOnlySpan<T> src) where T : unmanaged => _inner.CopyToDevice(dst, src);
    public void CopyToHost<T>(DevicePtr src, Span<T> dst) where T : unmanaged => _inner.CopyToHost(src, dst);
    public void CopyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes) => _inner.CopyDeviceToDevice(dst, src, bytes);
    public void Fill32(DevicePtr dst, uint pattern, long count) => _inner.Fill32(dst, pattern, count);
    public IGpuModule LoadModule(CompiledModule module) => _inner.LoadModule(module);

    public void Launch(GpuKernel kernel, in LaunchConfig config, in KernelArgs args)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        Launches++;
    }

    public void Synchronize() => _inner.Synchronize();

    /// <summary>A host wall-clock timer: nothing runs on the device, so the host time is the cost measured.</summary>
    public IGpuTimer CreateTimer() => new HostTimer();

    public void Dispose() { }
}
