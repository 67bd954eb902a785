using System.Runtime.CompilerServices;

namespace CudaCnn.Runtime;

/// <summary>
/// An owned device allocation of <see cref="Length"/> elements. Dispose frees it; a buffer that is collected
/// without Dispose is reported as a leak by the finalizer, which never calls into the device.
/// </summary>
public sealed class DeviceBuffer<T> : IDisposable where T : unmanaged
{
    private readonly IGpu _gpu;
    private DevicePtr _ptr;

    public DeviceBuffer(IGpu gpu, long length)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        if (length < 0)
            throw new ArgumentOutOfRangeException(nameof(length), length, "expected a non-negative element count");
        _gpu = gpu;
        Length = length;
        _ptr = gpu.Allocate(Math.Max(1, length) * Unsafe.SizeOf<T>());
    }

    public IGpu Gpu => _gpu;
    public long Length { get; }
    public long Bytes => Length * Unsafe.SizeOf<T>();
    public bool IsDisposed => _ptr.IsNull;

    public DevicePtr Ptr => _ptr.IsNull ? throw new ObjectDisposedException(Describe()) : _ptr;

    public void CopyFrom(ReadOnlySpan<T> source)
    {
        CheckLength(nameof(source), source.Length);
        _gpu.CopyToDevice(Ptr, source);
    }

    public void CopyTo(Span<T> destination)
    {
        CheckLength(nameof(destination), destination.Length);
        _gpu.CopyToHost(Ptr, destination);
    }

    public void CopyFrom(DeviceBuffer<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckLength(nameof(source), source.Length);
        _gpu.CopyDeviceToDevice(Ptr, source.Ptr, Bytes);
    }

    public T[] ToArray()
    {
        var result = new T[Length];
        CopyTo(result);
        return result;
    }

    public void Dispose()
    {
        if (_ptr.IsNull) return;
        _gpu.Free(_ptr);
        _ptr = DevicePtr.Null;
        GC.SuppressFinalize(this);
    }

    ~DeviceBuffer()
    {
        if (!_ptr.IsNull) LeakReporter.Report(Describe());
    }

    private void CheckLength(string argument, long actual)
    {
        if (actual != Length)
            throw new ArgumentException($"expected {Length} elements of {typeof(T).Name}, got {actual}", argument);
    }

    private string Describe() => $"DeviceBuffer<{typeof(T).Name}>[{Length}] on {_gpu.Info.Backend}";
}
