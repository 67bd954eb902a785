using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Sim.Tests;

public class ControlFlowTests
{
    [NvrtcFact]
    public void NestedDivergenceReconvergesWithPerLaneResults()
    {
        var (gpu, module) = SimTestKernels.Load("control.cu");
        using var _ = gpu;
        var input = Enumerable.Range(0, 64).Select(t => (t * 5) % 17).ToArray();
        var din = gpu.Upload(input);
        var outp = gpu.Upload(new int[128]);
        gpu.Launch(module.GetKernel("diverge"), new LaunchConfig(new Dim3(1), new Dim3(64)), SimTestKernels.Args(din, outp));
        var result = gpu.Download<int>(outp, 128);
        var expected = new int[128];
        for (int t = 0; t < 64; t++)
        {
            int v = input[t];
            if ((v & 1) != 0) expected[t] = v * (v - 1) / 2;
            else
            {
                expected[t] = -v;
                if (v < 10) expected[t + 64] = v * 5;
            }
        }
        Assert.Equal(expected, result);
        var stats = gpu.LastLaunch;
        Assert.True(stats.DivergentBranches > 0, "odd and even inputs split every warp");
        Assert.True(stats.WarpExecutionEfficiency < 1.0, "divergent code runs with partial warps");
    }

    [NvrtcFact]
    public void FullMaskShuffleWaitsForLanesWithLongerLoops()
    {
        var (gpu, module) = SimTestKernels.Load("control.cu");
        using var _ = gpu;
        var trips = Enumerable.Range(0, 32).Select(t => (t * 7) % 11).ToArray();
        var d = gpu.Upload(trips);
        var outp = gpu.Allocate(32 * 4);
        gpu.Launch(module.GetKernel("trip_shuffle"), new LaunchConfig(new Dim3(1), new Dim3(32)), SimTestKernels.Args(d, outp));
        int expected = trips.Sum(n => n * (n + 1) / 2);
        Assert.All(gpu.Download<int>(outp, 32), v => Assert.Equal(expected, v));
    }

    [NvrtcFact]
    public void ExitedThreadsDoNotBlockTheBarrier()
    {
        var (gpu, module) = SimTestKernels.Load("control.cu");
        using var _ = gpu;
        const int n = 77;
        var input = Enumerable.Range(0, 256).Select(i => (float)i).ToArray();
        var din = gpu.Upload(input);
        var outp = gpu.Upload(new float[256]);
        gpu.Launch(module.GetKernel("early_exit_barrier"), new LaunchConfig(new Dim3(1), new Dim3(256)), SimTestKernels.Args(din, outp, n));
        var result = gpu.Download<float>(outp, 256);
        Assert.Equal(Enumerable.Range(0, 256).Select(t => t < n ? 2f * (n - 1 - t) : 0f).ToArray(), result);
    }

    [NvrtcFact]
    public void RecursionIndirectCallsAndLocalArraysWork()
    {
        var (gpu, module) = SimTestKernels.Load("control.cu");
        using var _ = gpu;
        var n = Enumerable.Range(0, 32).Select(t => t % 12).ToArray();
        var dn = gpu.Upload(n);
        var outp = gpu.Allocate(32 * 4);
        gpu.Launch(module.GetKernel("calls"), new LaunchConfig(new Dim3(1), new Dim3(32)), SimTestKernels.Args(dn, outp));
        var result = gpu.Download<float>(outp, 32);
        static int Fib(int k) => k < 2 ? k : Fib(k - 1) + Fib(k - 2);
        for (int t = 0; t < 32; t++)
        {
            float fn = (t & 1) == 0 ? 2f * t : -t;
            Assert.Equal(Fib(n[t]) + fn + (n[t] & 7) * t, result[t]);
        }
    }
}
