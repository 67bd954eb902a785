using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Sim;

namespace CudaCnn.Tests.Kernels;

/// <summary>
/// A software GPU with memcheck, synccheck and racecheck on, plus a kernel library on it, for running the layer
/// kernels against the CPU reference. Kernels compile once per test process (in-memory cache).
/// </summary>
internal sealed class SimHarness : IDisposable
{
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);
    private readonly List<IDisposable> _owned = [];

    public SimHarness()
    {
        Gpu = new SimGpu(new SimOptions { Checkers = SimCheckers.Default | SimCheckers.Initcheck });
        Library = new KernelLibrary(Gpu, Compiler);
    }

    public SimGpu Gpu { get; }
    public KernelLibrary Library { get; }

    public Tensor Upload(TensorShape shape, float[] values) => Own(Tensor.FromHost(Gpu, shape, values));

    /// <summary>A device tensor whose every element is NaN, so an element a kernel forgets to write shows up.</summary>
    public Tensor Poisoned(TensorShape shape)
    {
        var tensor = Own(new Tensor(Gpu, shape));
        Gpu.Fill32(tensor.Ptr, 0x7fc00000u, shape.Elements);
        return tensor;
    }

    public DeviceBuffer<T> Upload<T>(T[] values) where T : unmanaged
    {
        var buffer = Own(new DeviceBuffer<T>(Gpu, values.Length));
        buffer.CopyFrom(values);
        return buffer;
    }

    public DeviceBuffer<float> PoisonedBuffer(long length)
    {
        var buffer = Own(new DeviceBuffer<float>(Gpu, length));
        Gpu.Fill32(buffer.Ptr, 0x7fc00000u, length);
        return buffer;
    }

    /// <summary>Asserts actual matches expected within tolerance, with the comparison's message on failure.</summary>
    public static ComparisonResult AssertClose(string name, float[] expected, float[] actual, Tolerance tolerance, TensorShape? shape = null)
    {
        var result = TensorComparison.Compare(name, expected, actual, tolerance, shape);
        Assert.True(result.Passed, result.Message);
        return result;
    }

    private T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    public void Dispose()
    {
        foreach (var item in _owned) item.Dispose();
        Library.Dispose();
        Gpu.Dispose();
    }
}
