using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Benchmarking;

/// <summary>
/// The work of one run, from the shapes alone, so every implementation of a case is credited the same amount:
/// FLOPs of the direct algorithm (a multiply-add counts 2; Winograd's saved multiplies are not subtracted, so its
/// TFLOP/s are "effective", as DeepBench reports them) and compulsory bytes (each tensor read or written once).
/// </summary>
public static class BenchCost
{
    public const int FloatBytes = sizeof(float);

    /// <summary>2 N K OH OW (C / groups) kH kW: the same for forward, backward data and backward filter.</summary>
    public static double ConvFlops(TensorShape x, TensorShape weight, Conv2dParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var (outH, outW) = p.OutputSize(x.H, x.W, weight.H, weight.W);
        return 2.0 * x.N * weight.N * outH * outW * weight.C * weight.H * weight.W;
    }

    /// <summary>x + weight + y in floats, times 4: forward reads x and w and writes y; backward data reads dy and w
    /// and writes dx; backward filter reads x and dy and writes dw (the same three tensors).</summary>
    public static double ConvBytes(TensorShape x, TensorShape weight, Conv2dParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var (outH, outW) = p.OutputSize(x.H, x.W, weight.H, weight.W);
        return FloatBytes * ((double)x.Elements + weight.Elements + (double)x.N * weight.N * outH * outW);
    }

    /// <summary>2 m n k for C = op(A) op(B) (beta = 0).</summary>
    public static double GemmFlops(int m, int n, int k) => 2.0 * m * n * k;

    /// <summary>A (m x k), B (k x n) read, C (m x n) written, once each.</summary>
    public static double GemmBytes(int m, int n, int k) => FloatBytes * ((double)m * k + (double)k * n + (double)m * n);

    /// <summary>Bytes of <paramref name="tensorsTouched"/> passes over <paramref name="elements"/> floats (e.g. ReLU
    /// forward: 2, x read and y written).</summary>
    public static double StreamBytes(long elements, int tensorsTouched) => (double)FloatBytes * elements * tensorsTouched;

    /// <summary>Tera-FLOP/s of <paramref name="flops"/> done in <paramref name="milliseconds"/>.</summary>
    public static double Tflops(double flops, double milliseconds) => flops / (milliseconds * 1e-3) / 1e12;

    /// <summary>Gigabytes (1e9) per second.</summary>
    public static double GigabytesPerSecond(double bytes, double milliseconds) => bytes / (milliseconds * 1e-3) / 1e9;
}
