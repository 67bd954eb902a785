using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Checks;

/// <summary>
/// One comparison of a device kernel, launched through its typed launcher, with the CPU reference on one shape.
/// <c>cudacnn check</c> runs these on any device, <c>cudacnn profile</c> runs them on the software GPU for its counters.
/// </summary>
public sealed record KernelCheck(string Op, string Kernel, string Shape, Func<CheckContext, ComparisonResult> Run)
{
    public override string ToString() => $"{Op}/{Kernel} {Shape}";
}

/// <summary>The device a check runs on, plus the buffers it uploads (freed when the context is disposed).</summary>
public sealed class CheckContext(KernelLibrary library) : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public KernelLibrary Library { get; } = library ?? throw new ArgumentNullException(nameof(library));
    public IGpu Gpu => Library.Gpu;

    public DeviceBuffer<float> Upload(float[] values)
    {
        var buffer = Own(new DeviceBuffer<float>(Gpu, values.LongLength));
        buffer.CopyFrom(values);
        return buffer;
    }

    /// <summary>A buffer filled with NaN, so a kernel that leaves an element unwritten fails the comparison.</summary>
    public DeviceBuffer<float> Poisoned(long length)
    {
        var buffer = Own(new DeviceBuffer<float>(Gpu, length));
        Gpu.Fill32(buffer.Ptr, BitConverter.SingleToUInt32Bits(float.NaN), length);
        return buffer;
    }

    public T Own<T>(T resource) where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    public void Dispose()
    {
        foreach (var resource in _owned) resource.Dispose();
        _owned.Clear();
    }
}
