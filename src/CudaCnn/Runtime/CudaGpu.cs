using System.Runtime.CompilerServices;
using System.Text;
using CudaCnn.Native;

namespace CudaCnn.Runtime;

/// <summary>
/// A real GPU driven through the CUDA driver API: the device's primary context (the one cuBLAS and cuDNN use too),
/// one non-blocking stream on which every copy, fill, launch and timer event is ordered, and host-side checks of
/// every pointer and size before the device sees it. Open one with <see cref="Open"/>; without a driver or device
/// that throws one <see cref="GpuUnavailableException"/> saying why. Not meant for concurrent use from several
/// threads; any thread may call it (the context is made current on the calling thread as needed).
/// </summary>
public sealed unsafe class CudaGpu : IGpu
{
    public const string BackendName = "cuda";

    // The CudaGpu whose context was last made current on each thread, so that the common case skips
    // cuCtxSetCurrent. Per instance, not per context handle: a reopened device gets the same primary context
    // handle, and it must be made current again.
    [ThreadStatic] private static CudaGpu? t_current;

    private readonly int _device;
    private readonly nint _context;
    private readonly nint _stream;
    private readonly LaunchLimits _limits;
    private readonly AllocationTable _allocations = new();
    private readonly List<IDisposable> _children = [];
    private readonly Lazy<CompileTarget> _preferredTarget;
    private bool _disposed;

    private CudaGpu(int ordinal, int device, nint context, nint stream, DeviceInfo info, LaunchLimits limits)
    {
        Ordinal = ordinal;
        _device = device;
        _context = context;
        _stream = stream;
        Info = info;
        _limits = limits;
        _preferredTarget = new Lazy<CompileTarget>(() => CudaTargets.Choose(info.ComputeMajor, info.ComputeMinor, KernelCompiler.Shared.SupportedArchs));
    }

    /// <summary>Opens device <paramref name="ordinal"/>; throws <see cref="GpuUnavailableException"/> when there is none.</summary>
    public static CudaGpu Open(int ordinal = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        var probe = CudaProbe.Run();
        if (!probe.HasDevice) throw new GpuUnavailableException(probe);
        if (ordinal >= probe.DeviceCount)
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"expected a device ordinal in [0, {probe.DeviceCount}) ({probe.Summary})");

        CudaDriver.Check(CudaDriver.DeviceGet(out int device, ordinal), "cuDeviceGet");
        var (info, limits) = DeviceQueries.Read(device);
        CudaDriver.Check(CudaDriver.DevicePrimaryCtxRetain(out nint context, device), "cuDevicePrimaryCtxRetain");
        try
        {
            CudaDriver.Check(CudaDriver.CtxSetCurrent(context), "cuCtxSetCurrent");
            CudaDriver.Check(CudaDriver.StreamCreate(out nint stream, CudaFlags.StreamNonBlocking), "cuStreamCreate");
            var gpu = new CudaGpu(ordinal, device, context, stream, info, limits);
            t_current = gpu;
            return gpu;
        }
        catch
        {
            CudaDriver.DevicePrimaryCtxRelease(device);
            throw;
        }
    }

    /// <summary>Whether a CUDA device can be opened; <paramref name="reason"/> is one line either way.</summary>
    public static bool TryProbe(out string reason)
    {
        var probe = CudaProbe.Run();
        reason = probe.Summary;
        return probe.HasDevice;
    }

    public int Ordinal { get; }
    public DeviceInfo Info { get; }

    /// <summary>
    /// A cubin for this device's arch when the loaded NVRTC supports it, else PTX for the newest older arch it
    /// supports. Asks NVRTC on first use (and throws its not-found exception when NVRTC is missing).
    /// </summary>
    public CompileTarget PreferredTarget => _preferredTarget.Value;

    public int LiveAllocations => _allocations.Count;

    public DevicePtr Allocate(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        MakeCurrent();
        CUresult result = CudaDriver.MemAlloc(out ulong address, (nuint)bytes);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY)
            throw CudaException.FromDriver("cuMemAlloc_v2", result, DescribeMemory(bytes));
        CudaDriver.Check(result, "cuMemAlloc_v2");
        var ptr = new DevicePtr(address);
        _allocations.Add(ptr, bytes);
        return ptr;
    }

    /// <summary>Frees an allocation of this device. After the device is disposed this does nothing: closing the
    /// device released every allocation with its context.</summary>
    public void Free(DevicePtr ptr)
    {
        if (_disposed) return;
        _allocations.Remove(ptr, nameof(ptr));
        MakeCurrent();
        CudaDriver.Check(CudaDriver.MemFree(ptr.Address), "cuMemFree_v2");
    }

    public void CopyToDevice<T>(DevicePtr dst, ReadOnlySpan<T> src) where T : unmanaged
    {
        long bytes = (long)src.Length * sizeof(T);
        if (bytes == 0) return;
        CheckRange(dst, bytes, nameof(dst));
        MakeCurrent();
        fixed (T* host = src)
        {
            CudaDriver.Check(CudaDriver.MemcpyHtoDAsync(dst.Address, host, (nuint)bytes, _stream), "cuMemcpyHtoDAsync_v2");
            // The span is pageable and only pinned inside this block: wait until the copy has consumed it.
            CudaDriver.Check(CudaDriver.StreamSynchronize(_stream), "cuStreamSynchronize");
        }
    }

    public void CopyToHost<T>(DevicePtr src, Span<T> dst) where T : unmanaged
    {
        long bytes = (long)dst.Length * sizeof(T);
        if (bytes == 0) return;
        CheckRange(src, bytes, nameof(src));
        MakeCurrent();
        fixed (T* host = dst)
        {
            CudaDriver.Check(CudaDriver.MemcpyDtoHAsync(host, src.Address, (nuint)bytes, _stream), "cuMemcpyDtoHAsync_v2");
            CudaDriver.Check(CudaDriver.StreamSynchronize(_stream), "cuStreamSynchronize");
        }
    }

    public void CopyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes == 0) return;
        CheckRange(dst, bytes, nameof(dst));
        CheckRange(src, bytes, nameof(src));
        if (dst.Address < src.Address + (ulong)bytes && src.Address < dst.Address + (ulong)bytes)
            throw new ArgumentException($"the {bytes}-byte ranges at {dst} (dst) and {src} (src) overlap; device-to-device copies need disjoint ranges", nameof(dst));
        MakeCurrent();
        CudaDriver.Check(CudaDriver.MemcpyDtoDAsync(dst.Address, src.Address, (nuint)bytes, _stream), "cuMemcpyDtoDAsync_v2");
    }

    public void Fill32(DevicePtr dst, uint pattern, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0) return;
        if (dst.Address % 4 != 0)
            throw new ArgumentException($"{dst} is not 4-byte aligned; a 32-bit fill needs an aligned address", nameof(dst));
        CheckRange(dst, count * 4, nameof(dst));
        MakeCurrent();
        CudaDriver.Check(CudaDriver.MemsetD32Async(dst.Address, pattern, (nuint)count, _stream), "cuMemsetD32Async");
    }

    public IGpuModule LoadModule(CompiledModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        ThrowIfDisposed();
        if (!CudaTargets.CanRun(module.Target, Info.ComputeMajor, Info.ComputeMinor))
            throw new ArgumentException($"{module.FileName} was compiled for {module.Target}, which cannot run on this {Info.Arch} device ({Info.Name}); compile for {PreferredTarget}", nameof(module));
        if (module.Image.Length == 0)
            throw new ArgumentException($"{module.FileName} ({module.Target}) has an empty image", nameof(module));
        MakeCurrent();
        var loaded = CudaModule.Load(this, module);
        _children.Add(loaded);
        return loaded;
    }

    public void Launch(GpuKernel kernel, in LaunchConfig config, in KernelArgs args)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (kernel is not CudaKernel cuda || cuda.Owner.Gpu != this)
            throw new ArgumentException($"kernel {kernel.Name} was not loaded on this device ({Info.Name})", nameof(kernel));
        nint function = cuda.Handle; // throws if its module was disposed
        _limits.Check(kernel.Name, cuda.Limits, config);

        int count = args.Count;
        ulong* values = stackalloc ulong[Math.Max(count, 1)];
        void** pointers = stackalloc void*[Math.Max(count, 1)];
        for (int i = 0; i < count; i++)
        {
            // A 4-byte argument sits in the low half of its 8-byte slot (little-endian), where the driver reads it.
            values[i] = args.Bits(i);
            pointers[i] = values + i;
        }
        MakeCurrent();
        CudaDriver.Check(CudaDriver.LaunchKernel(function,
            config.Grid.X, config.Grid.Y, config.Grid.Z, config.Block.X, config.Block.Y, config.Block.Z,
            config.SharedMemoryBytes, _stream, pointers, null), "cuLaunchKernel");
    }

    public void Synchronize()
    {
        MakeCurrent();
        CudaDriver.Check(CudaDriver.StreamSynchronize(_stream), "cuStreamSynchronize");
    }

    public IGpuTimer CreateTimer()
    {
        MakeCurrent();
        var timer = new CudaTimer(this);
        _children.Add(timer);
        return timer;
    }

    /// <summary>
    /// Unloads modules, destroys timers, frees what is still allocated and releases the context. Every step is
    /// attempted even if one fails (after a sticky launch error they all do); the first failure is then thrown.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        MakeCurrent();
        var failures = new List<Exception>();
        void Attempt(Action step)
        {
            try { step(); }
            catch (CudaException e) { failures.Add(e); }
        }
        Attempt(() => CudaDriver.Check(CudaDriver.StreamSynchronize(_stream), "cuStreamSynchronize"));
        foreach (var child in _children.ToArray()) Attempt(child.Dispose);
        foreach (var ptr in _allocations.Drain()) Attempt(() => CudaDriver.Check(CudaDriver.MemFree(ptr.Address), "cuMemFree_v2"));
        Attempt(() => CudaDriver.Check(CudaDriver.StreamDestroy(_stream), "cuStreamDestroy_v2"));
        _disposed = true;
        if (t_current == this) t_current = null;
        Attempt(() => CudaDriver.Check(CudaDriver.DevicePrimaryCtxRelease(_device), "cuDevicePrimaryCtxRelease_v2"));
        if (failures.Count > 0) throw failures[0];
    }

    public override string ToString() => $"CudaGpu {Ordinal}: {Info.Name} ({Info.Arch})";

    internal nint Stream => _stream;

    internal void Forget(IDisposable child) => _children.Remove(child);

    /// <summary>Disposes <paramref name="child"/> with the device, before the context is released (cuBLAS and
    /// cuDNN handles); the child calls <see cref="Forget"/> when disposed first.</summary>
    internal void Adopt(IDisposable child)
    {
        ThrowIfDisposed();
        _children.Add(child);
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void MakeCurrent()
    {
        ThrowIfDisposed();
        if (t_current == this) return;
        CudaDriver.Check(CudaDriver.CtxSetCurrent(_context), "cuCtxSetCurrent");
        t_current = this;
    }

    private void CheckRange(DevicePtr ptr, long bytes, string argument)
    {
        ThrowIfDisposed();
        _allocations.CheckRange(ptr, bytes, argument);
    }

    private string DescribeMemory(long requested)
    {
        var text = new StringBuilder($"requested {requested} bytes; {_allocations.Count} live allocations");
        if (CudaDriver.MemGetInfo(out nuint free, out nuint total) == CUresult.CUDA_SUCCESS)
            text.Append($"; the device reports {free} of {total} bytes free");
        return text.ToString();
    }
}
