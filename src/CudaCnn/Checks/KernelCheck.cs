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

    /// <summary>A tensor uploaded from host values.</summary>
    public Tensor Upload(TensorShape shape, float[] values) => Own(Tensor.FromHost(Gpu, shape, values));

    /// <summary>A tensor filled with NaN (see <see cref="Poisoned(long)"/>).</summary>
    public Tensor Poisoned(TensorShape shape)
    {
        var tensor = Own(new Tensor(Gpu, shape));
        Gpu.Fill32(tensor.Ptr, BitConverter.SingleToUInt32Bits(float.NaN), shape.Elements);
        return tensor;
    }

    public DeviceBuffer<int> Upload(int[] values)
    {
        var buffer = Own(new DeviceBuffer<int>(Gpu, values.LongLength));
        buffer.CopyFrom(values);
        return buffer;
    }

    public T Own<T>(T resource) where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    /// <summary>Frees what was uploaded so far (newest first); the context stays usable.</summary>
    public void Release()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
    }

    public void Dispose() => Release();
}
