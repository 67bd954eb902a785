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

/// <summary>Tolerances of the convolution and GEMM kernels against the double-accumulating reference.</summary>
internal static class KernelTolerances
{
    /// <summary>float32 unit roundoff.</summary>
    private const double Epsilon = 1.1920929e-7;

    /// <summary>A float32 sum of L products of values in [-1, 1] is off by at most about L * eps * (its magnitude
    /// bound L); measured errors are far below, so one eps per term, in absolute and relative terms, keeps a margin
    /// while still failing on any indexing mistake (which costs O(1)).</summary>
    public static Tolerance Reduction(long length) => new(Epsilon * length, Epsilon * length);

    /// <summary>F(2x2,3x3) transforms with coefficients 0, +-1/2, +-1 add a few roundings per term.</summary>
    public const double Winograd2x2Factor = 4;

    /// <summary>F(4x4,3x3) transforms (coefficients up to 8 and down to 1/24) amplify rounding; Lavin reports it
    /// within a few times of direct convolution. Measured values are in docs/kernels.md.</summary>
    public const double Winograd4x4Factor = 16;

    public static Tolerance Scaled(Tolerance t, double factor) => new(t.Absolute * factor, t.Relative * factor);

    /// <summary>The reference activation f(v) of ActivationParams' definitions, in double.</summary>
    public static float Activate(ActivationParams a, double v) => a.Kind switch
    {
        ActivationKind.Identity => (float)v,
        ActivationKind.ReLU => v > 0 ? (float)v : 0f,
        ActivationKind.LeakyReLU => (float)(v > 0 ? v : a.Alpha * v),
        ActivationKind.ELU => (float)(v > 0 ? v : a.Alpha * (Math.Exp(v) - 1)),
        ActivationKind.Tanh => (float)Math.Tanh(v),
        ActivationKind.Sigmoid => (float)(1 / (1 + Math.Exp(-v))),
        _ => throw new ArgumentOutOfRangeException(nameof(a), a.Kind, "unknown activation"),
    };
}
