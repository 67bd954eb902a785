using CudaCnn.Kernels;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Sim.Tests;

/// <summary>Real kernels through SimGpu against C# computations of the same operations.</summary>
public class KernelExecutionTests
{
    [NvrtcTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void TiledSgemmMatchesAFusedMultiplyAddReference(bool parallel)
    {
        var (gpu, module) = SimTestKernels.Load("counters.cu", new SimOptions { Deterministic = !parallel });
        using var _ = gpu;
        const int m = 37, n = 29, k = 45;
        var rng = new Random(7);
        var a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var da = gpu.Upload(a);
        var db = gpu.Upload(b);
        var dc = gpu.Allocate(m * n * 4);
        var cfg = new LaunchConfig(new Dim3((n + 15) / 16, (m + 15) / 16), new Dim3(16, 16));
        gpu.Launch(module.GetKernel("sgemm_tiled"), cfg, SimTestKernels.Args(da, db, dc, m, n, k));
        var c = gpu.Download<float>(dc, m * n);
        // Same summation order as the kernel (tiles of 16, zero padding), so the result is bit-exact.
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            float acc = 0;
            for (int kk = 0; kk < (k + 15) / 16 * 16; kk++)
                acc = MathF.FusedMultiplyAdd(kk < k ? a[i * k + kk] : 0f, kk < k ? b[kk * n + j] : 0f, acc);
            Assert.Equal(acc, c[i * n + j]);
        }
    }

    [NvrtcTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void SharedAndGlobalAtomicsCountExactlyAcrossBlocks(bool parallel)
    {
        var (gpu, module) = SimTestKernels.Load("counters.cu", new SimOptions { Deterministic = !parallel });
        using var _ = gpu;
        const int count = 5000;
        var values = Enumerable.Range(0, count).Select(i => i * 7 + i / 3).ToArray();
        var dv = gpu.Upload(values);
        var bins = gpu.Upload(new uint[16]);
        gpu.Launch(module.GetKernel("histogram"), LaunchConfig.For1D(count, 128), SimTestKernels.Args(dv, count, bins));
        var expected = new uint[16];
        foreach (var v in values) expected[v & 15]++;
        Assert.Equal(expected, gpu.Download<uint>(bins, 16));
    }

    [NvrtcFact]
    public void ElementwiseKernelsMatchTheirDefinitions()
    {
        using var gpu = new SimGpu();
        using var library = new KernelLibrary(gpu);
        var ops = new ElementwiseKernels(library);
        const int n = 1000;
        var x = Enumerable.Range(0, n).Select(i => (float)Math.Sin(i) * 3).ToArray();
        var y = Enumerable.Range(0, n).Select(i => (float)Math.Cos(i)).ToArray();
        using var dx = new DeviceBuffer<float>(gpu, n);
        using var dy = new DeviceBuffer<float>(gpu, n);
        using var dout = new DeviceBuffer<float>(gpu, n);
        dx.CopyFrom(x);
        dy.CopyFrom(y);

        ops.Fill(dout, 2.5f);
        Assert.All(dout.ToArray(), v => Assert.Equal(2.5f, v));
        ops.Copy(dout, dx);
        Assert.Equal(x, dout.ToArray());
        ops.Scale(dout, dx, -1.5f);
        Assert.Equal(x.Select(v => v * -1.5f).ToArray(), dout.ToArray());
        ops.Add(dout, dx, dy);
        Assert.Equal(x.Zip(y, (p, q) => p + q).ToArray(), dout.ToArray());
        ops.ReluForward(dout, dx);
        Assert.Equal(x.Select(v => v > 0 ? v : 0f).ToArray(), dout.ToArray());
        ops.ReluBackward(dout, dy, dx);
        Assert.Equal(x.Zip(y, (xv, g) => xv > 0 ? g : 0f).ToArray(), dout.ToArray());
        ops.Axpy(dy, dx, 0.25f);
        Assert.Equal(y.Zip(x, (yv, xv) => MathF.FusedMultiplyAdd(0.25f, xv, yv)).ToArray(), dy.ToArray());
        Assert.True(gpu.KernelStats.Count >= 6);
    }
}
