using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Sim.Tests;

/// <summary>Typical DNN kernels end to end through SimGpu, with and without -use_fast_math.</summary>
public class DnnKernelTests
{
    /// <summary>expf/logf/powf/tanhf go through ex2.approx/lg2.approx: a few ulp on the GPU (notes §2.3).</summary>
    private const float ApproxRelativeTolerance = 1e-5f;
    /// <summary>-use_fast_math replaces them by single approximate instructions (2 ulp plus argument reduction error).</summary>
    private const float FastMathRelativeTolerance = 2e-4f;

    private static (SimGpu, IGpuModule) Load(bool fastMath)
    {
        using var stream = typeof(DnnKernelTests).Assembly.GetManifestResourceStream("Kernels/dnn.cu")!;
        var source = new KernelSource("dnn.cu", new StreamReader(stream).ReadToEnd());
        var gpu = new SimGpu();
        var module = KernelCompiler.Shared.Compile(source, gpu.PreferredTarget, fastMath ? ["-use_fast_math"] : null);
        return (gpu, gpu.LoadModule(module));
    }

    private static void Close(float expected, float actual, float relative) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1f, Math.Abs(expected)), $"expected {expected}, got {actual}");

    [NvrtcTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void WarpSoftmaxMatchesTheDefinition(bool fastMath)
    {
        var (gpu, module) = Load(fastMath);
        using var _ = gpu;
        const int rows = 5, cols = 77;
        var rng = new Random(3);
        var x = Enumerable.Range(0, rows * cols).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        var dx = gpu.Upload(x);
        var dy = gpu.Allocate(rows * cols * 4);
        gpu.Launch(module.GetKernel("softmax_warp"), new LaunchConfig(new Dim3(rows), new Dim3(32)), SimTestKernels.Args(dx, dy, cols));
        var y = gpu.Download<float>(dy, rows * cols);
        for (int r = 0; r < rows; r++)
        {
            var row = x.Skip(r * cols).Take(cols).Select(v => (double)v).ToArray();
            double max = row.Max(), sum = row.Sum(v => Math.Exp(v - max));
            for (int c = 0; c < cols; c++)
                Close((float)(Math.Exp(row[c] - max) / sum), y[r * cols + c], fastMath ? FastMathRelativeTolerance : ApproxRelativeTolerance);
        }
        Assert.Equal(0, gpu.LastLaunch.RaceWarnings);
    }

    [NvrtcFact]
    public void BatchNormStatisticsUseDynamicSharedMemoryAndFloatAtomics()
    {
        var (gpu, module) = Load(fastMath: false);
        using var _ = gpu;
        const int n = 300, c = 3;
        var x = Enumerable.Range(0, n * c).Select(i => (float)Math.Sin(i * 0.37) * (1 + i % c)).ToArray();
        var dx = gpu.Upload(x);
        var mean = gpu.Upload(new float[c]);
        var var_ = gpu.Allocate(c * 4);
        const uint threads = 128;
        gpu.Launch(module.GetKernel("bn_stats"), new LaunchConfig(new Dim3(c), new Dim3(threads), 2 * threads * 4),
            SimTestKernels.Args(dx, mean, var_, n, c));
        var m = gpu.Download<float>(mean, c);
        var v = gpu.Download<float>(var_, c);
        for (int ch = 0; ch < c; ch++)
        {
            var col = Enumerable.Range(0, n).Select(i => (double)x[i * c + ch]).ToArray();
            double mu = col.Average();
            Close((float)mu, m[ch], 1e-5f);
            Close((float)(col.Average(t => t * t) - mu * mu), v[ch], 1e-4f);
        }
    }

    [NvrtcFact]
    public void MaxPoolingFindsMaximaAndArgmax()
    {
        var (gpu, module) = Load(fastMath: false);
        using var _ = gpu;
        const int ch = 2, h = 6, w = 10;
        var rng = new Random(11);
        var x = Enumerable.Range(0, ch * h * w).Select(_ => (float)rng.NextDouble()).ToArray();
        var dx = gpu.Upload(x);
        var dy = gpu.Allocate(ch * h * w);
        var da = gpu.Allocate(ch * h * w);
        gpu.Launch(module.GetKernel("maxpool2x2"), new LaunchConfig(new Dim3(ch, h / 2), new Dim3(32)), SimTestKernels.Args(dx, dy, da, h, w));
        var y = gpu.Download<float>(dy, ch * h / 2 * w / 2);
        var a = gpu.Download<int>(da, ch * h / 2 * w / 2);
        for (int c = 0; c < ch; c++)
        for (int oh = 0; oh < h / 2; oh++)
        for (int ow = 0; ow < w / 2; ow++)
        {
            int best = -1;
            float m = float.NegativeInfinity;
            for (int kh = 0; kh < 2; kh++)
            for (int kw = 0; kw < 2; kw++)
            {
                int r = oh * 2 + kh, q = ow * 2 + kw;
                if (x[(c * h + r) * w + q] > m) { m = x[(c * h + r) * w + q]; best = r * w + q; }
            }
            int o = (c * h / 2 + oh) * (w / 2) + ow;
            Assert.Equal(m, y[o]);
            Assert.Equal(best, a[o]);
        }
    }

    [NvrtcTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void LibraryMathAndIntegerDivisionMatchCSharp(bool fastMath)
    {
        var (gpu, module) = Load(fastMath);
        using var _ = gpu;
        var x = Enumerable.Range(0, 32).Select(i => (i - 15.5f) * 0.37f).ToArray();
        var dx = gpu.Upload(x);
        var dy = gpu.Allocate(32 * 6 * 4);
        var di = gpu.Allocate(32 * 2 * 4);
        var ex = Assert.Throws<SimViolationException>(() =>
            gpu.Launch(module.GetKernel("math_ops"), new LaunchConfig(new Dim3(1), new Dim3(32)), SimTestKernels.Args(dx, dy, di)));
        Assert.Equal(SimViolationKind.DivisionByZero, ex.Kind);
        Assert.Equal((16u, 0u, 0u), ex.Thread);

        using var lenient = new SimGpu(new SimOptions { Checkers = SimCheckers.None });
        var m2 = lenient.LoadModule(module.Source);
        dx = lenient.Upload(x);
        dy = lenient.Allocate(32 * 6 * 4);
        di = lenient.Allocate(32 * 2 * 4);
        lenient.Launch(m2.GetKernel("math_ops"), new LaunchConfig(new Dim3(1), new Dim3(32)), SimTestKernels.Args(dx, dy, di));
        var y = lenient.Download<float>(dy, 32 * 6);
        var iy = lenient.Download<int>(di, 32 * 2);
        float tol = fastMath ? FastMathRelativeTolerance : ApproxRelativeTolerance;
        for (int i = 0; i < 32; i++)
        {
            double v = x[i];
            Close((float)Math.Tanh(v), y[i * 6 + 0], fastMath ? 1e-3f : tol);
            Close((float)Math.Log(Math.Abs(v) + 1), y[i * 6 + 1], tol);
            Close((float)Math.Pow(Math.Abs(v), 1.7), y[i * 6 + 2], tol);
            Close((float)(1 / Math.Sqrt(Math.Abs(v) + 1)), y[i * 6 + 3], tol);
            Close((float)Math.Sqrt(Math.Abs(v)), y[i * 6 + 4], tol);
            Close((float)(1 / (1 + Math.Exp(-v))), y[i * 6 + 5], tol);
            if (i != 16) Assert.Equal((int)(x[i] * 1000.0f) / (i - 16), iy[i * 2]);
            Assert.Equal(i * 7919 % (i + 3), iy[i * 2 + 1]);
        }
    }
}
