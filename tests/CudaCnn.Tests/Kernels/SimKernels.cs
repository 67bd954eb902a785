using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Sim;

namespace CudaCnn.Tests.Kernels;

/// <summary>A software GPU with memcheck, synccheck and racecheck on, and the convolution/GEMM launchers on it.
/// Kernels compile once per test process (one in-memory compiler). Test classes that only compare results share
/// one instance as a class fixture, so each module is parsed once; tests that read counters make their own.</summary>
public sealed class SimKernels : IDisposable
{
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);

    public SimKernels()
    {
        Gpu = new SimGpu(new SimOptions { Checkers = SimCheckers.Default });
        Library = new KernelLibrary(Gpu, Compiler);
        Conv = new ConvolutionKernels(Library);
    }

    public SimGpu Gpu { get; }
    public KernelLibrary Library { get; }
    public ConvolutionKernels Conv { get; }
    public GemmKernels Gemm => Conv.Gemm;

    public Tensor Upload(TensorShape shape, float[] values) => Tensor.FromHost(Gpu, shape, values);

    public DeviceBuffer<float> Upload(float[] values)
    {
        var buffer = new DeviceBuffer<float>(Gpu, values.Length);
        buffer.CopyFrom(values);
        return buffer;
    }

    public void Dispose()
    {
        Library.Dispose();
        Gpu.Dispose();
    }
}
