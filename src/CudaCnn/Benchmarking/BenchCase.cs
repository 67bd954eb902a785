using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Benchmarking;

/// <summary>What a case is measured against: nothing, a cuDNN/cuBLAS baseline in FP32 FMA math or with TF32 allowed,
/// or the device-to-device copy whose bandwidth the memory-bound kernels are compared with.</summary>
public enum BaselineKind { None, Fma, Tf32, Copy }

/// <summary>
/// One measurement: <see cref="Prepare"/> allocates and fills everything outside the timed region and returns an
/// instance whose <see cref="IBenchInstance.Run"/> enqueues the measured work (no synchronization). The name is
/// <c>suite/group/implementation</c>; rows of the same group (a layer and direction, a GEMM shape) are compared.
/// </summary>
/// <param name="Flops">Floating-point operations of one run (0: not compute-bound); see <see cref="BenchCost"/>.</param>
/// <param name="Bytes">Compulsory device-memory bytes of one run: each input read once, each output written once.</param>
/// <param name="Images">Images processed per run (training steps), else 0.</param>
/// <param name="RunsPerTiming">Runs enqueued between the two timing events (K).</param>
/// <param name="HostTimed">Timed with the host's clock instead of the device's events (host-side overhead cases).</param>
public sealed record BenchCase(string Suite, string Group, string Implementation, double Flops, double Bytes,
    Func<BenchContext, IBenchInstance> Prepare, int Images = 0, BaselineKind Baseline = BaselineKind.None,
    int RunsPerTiming = BenchCase.DefaultRunsPerTiming, bool HostTimed = false)
{
    public const int DefaultRunsPerTiming = 10;

    public string Name => $"{Suite}/{Group}/{Implementation}";
    public override string ToString() => Name;
}

/// <summary>A prepared case: device memory allocated and filled; <see cref="Run"/> is the measured region.</summary>
public interface IBenchInstance : IDisposable
{
    void Run();
}

/// <summary>An instance from a run action and the resources it disposes (in reverse order).</summary>
public sealed class BenchInstance(Action run, params IDisposable[] owned) : IBenchInstance
{
    public void Run() => run();

    public void Dispose()
    {
        for (int i = owned.Length - 1; i >= 0; i--) owned[i].Dispose();
    }
}

/// <summary>The device a catalog runs on, with one kernel library, the ops and the convolution launchers over it.</summary>
public sealed class BenchContext : IDisposable
{
    public BenchContext(IGpu gpu)
    {
        Gpu = gpu ?? throw new ArgumentNullException(nameof(gpu));
        Library = new KernelLibrary(gpu);
        Ops = new KernelOps(Library);
        Conv = new ConvolutionKernels(Library);
    }

    public IGpu Gpu { get; }
    public KernelLibrary Library { get; }
    public KernelOps Ops { get; }
    public ConvolutionKernels Conv { get; }

    /// <summary>A tensor filled with a small constant (the values do not change the timing of these kernels).</summary>
    public Tensor Filled(TensorShape shape, float value = 0.01f)
    {
        var t = new Tensor(Gpu, shape);
        Gpu.Fill32(t.Ptr, BitConverter.SingleToUInt32Bits(value), t.Elements);
        return t;
    }

    public void Dispose()
    {
        Ops.Dispose();
        Library.Dispose();
    }
}
