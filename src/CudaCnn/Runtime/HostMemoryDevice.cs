using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CudaCnn.Runtime;

/// <summary>
/// An <see cref="IGpu"/> whose memory is host memory, so that tensors look the same on the CPU reference backend as
/// on a device. Each allocation is a pinned float[] (a stable address, like native memory) so that the reference ops
/// can hand the reference its array without copying. Copies and fills are memcpy/memset on the host. It runs no
/// kernels: LoadModule and Launch throw.
/// </summary>
/// <param name="totalMemoryBytes">The memory it reports (default: what the GC may use), e.g. to try a model against a
/// smaller device's capacity.</param>
public sealed unsafe class HostMemoryDevice(long? totalMemoryBytes = null) : IGpu
{
    private readonly AllocationTable _table = new();
    private readonly Dictionary<ulong, float[]> _arrays = [];

    public DeviceInfo Info { get; } = new("host memory (CPU reference)", "Reference", 0, 0, Environment.ProcessorCount,
        totalMemoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, int.MaxValue, int.MaxValue, 1);

    public CompileTarget PreferredTarget =>
        throw new NotSupportedException("HostMemoryDevice runs no kernels; the reference backend computes on the CPU");

    public int LiveAllocations => _table.Count;

    public DevicePtr Allocate(long bytes)
    {
        if (bytes <= 0) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "expected a positive byte count");
        var array = GC.AllocateArray<float>(checked((int)((bytes + sizeof(float) - 1) / sizeof(float))), pinned: true);
        var ptr = new DevicePtr((ulong)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array)));
        lock (_arrays) _arrays.Add(ptr.Address, array);
        _table.Add(ptr, bytes);
        return ptr;
    }

    public void Free(DevicePtr ptr)
    {
        _table.Remove(ptr, nameof(ptr));
        lock (_arrays) _arrays.Remove(ptr.Address);
    }

    /// <summary>The array behind the allocation that starts at <paramref name="ptr"/>, which must hold exactly
    /// <paramref name="elements"/> floats (the reference checks lengths against shapes).</summary>
    public float[] ArrayAt(DevicePtr ptr, long elements, string argument)
    {
        float[]? array;
        lock (_arrays) _arrays.TryGetValue(ptr.Address, out array);
        if (array is null)
            throw new ArgumentException($"{ptr} is not the start of a live allocation of this host-memory device", argument);
        if (array.LongLength != elements)
            throw new ArgumentException($"the allocation at {ptr} holds {array.LongLength} floats, expected {elements}", argument);
        return array;
    }

    public void CopyToDevice<T>(DevicePtr dst, ReadOnlySpan<T> src) where T : unmanaged =>
        src.CopyTo(Bytes<T>(dst, src.Length, nameof(dst)));

    public void CopyToHost<T>(DevicePtr src, Span<T> dst) where T : unmanaged =>
        Bytes<T>(src, dst.Length, nameof(src)).CopyTo(dst);

    public void CopyDeviceToDevice(DevicePtr dst, DevicePtr src, long bytes)
    {
        var from = Bytes<byte>(src, bytes, nameof(src));
        from.CopyTo(Bytes<byte>(dst, bytes, nameof(dst)));
    }

    public void Fill32(DevicePtr dst, uint pattern, long count) => Bytes<uint>(dst, count, nameof(dst)).Fill(pattern);

    public IGpuModule LoadModule(CompiledModule module) =>
        throw new NotSupportedException($"HostMemoryDevice cannot load {module.FileName}: the reference backend runs no kernels");

    public void Launch(GpuKernel kernel, in LaunchConfig config, in KernelArgs args) =>
        throw new NotSupportedException($"HostMemoryDevice cannot launch {kernel.Name}: the reference backend runs no kernels");

    /// <summary>Nothing to wait for: every operation completes before it returns.</summary>
    public void Synchronize() { }

    public IGpuTimer CreateTimer() => new HostTimer();

    public void Dispose()
    {
        foreach (var ptr in _table.Drain()) lock (_arrays) _arrays.Remove(ptr.Address);
    }

    private Span<T> Bytes<T>(DevicePtr ptr, long count, string argument) where T : unmanaged
    {
        long bytes = count * sizeof(T);
        _table.CheckRange(ptr, bytes, argument);
        return new Span<T>((void*)ptr.Address, checked((int)count));
    }
}
