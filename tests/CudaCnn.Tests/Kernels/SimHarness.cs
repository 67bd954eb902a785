using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Sim;

namespace CudaCnn.Tests.Kernels;

/// <summary>
/// A software GPU with memcheck, synccheck, racecheck and initcheck on, a kernel library on it and a check context
/// owning the test's buffers, for running kernels against the CPU reference. Kernels compile once per test process
/// (in-memory cache). Test classes that only compare results share one instance as a class fixture, so each module
/// is parsed once; tests that read counters make their own.
/// </summary>
public sealed class SimHarness : IDisposable
{
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);
    private readonly CheckContext _context;

    public SimHarness()
    {
        Gpu = new SimGpu(new SimOptions { Checkers = SimCheckers.Default | SimCheckers.Initcheck });
        Library = new KernelLibrary(Gpu, Compiler);
        _context = new CheckContext(Library);
        Conv = new ConvolutionKernels(Library);
    }

    public SimGpu Gpu { get; }
    public KernelLibrary Library { get; }
    public ConvolutionKernels Conv { get; }
    public GemmKernels Gemm => Conv.Gemm;

    public Tensor Upload(TensorShape shape, float[] values) => _context.Upload(shape, values);
    public DeviceBuffer<float> Upload(float[] values) => _context.Upload(values);
    public DeviceBuffer<int> Upload(int[] values) => _context.Upload(values);

    /// <summary>NaN-filled, so an element a kernel forgets to write shows up.</summary>
    public Tensor Poisoned(TensorShape shape) => _context.Poisoned(shape);
    public DeviceBuffer<float> PoisonedBuffer(long length) => _context.Poisoned(length);

    /// <summary>Asserts actual matches expected within tolerance, with the comparison's message on failure.</summary>
    public static ComparisonResult AssertClose(string name, float[] expected, float[] actual, Tolerance tolerance, TensorShape? shape = null)
    {
        var result = TensorComparison.Compare(name, expected, actual, tolerance, shape);
        Assert.True(result.Passed, result.Message);
        return result;
    }

    public void Dispose()
    {
        _context.Dispose();
        Library.Dispose();
        Gpu.Dispose();
    }
}
