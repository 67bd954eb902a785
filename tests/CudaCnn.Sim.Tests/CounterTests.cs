using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Sim.Tests;

/// <summary>Counters against hand-computed values on crafted access patterns (definitions in docs/software-gpu.md).</summary>
public class CounterTests
{
    [NvrtcFact]
    public void CoalescedFloatAccessTouchesFourSectorsPerRequest()
    {
        var (gpu, module) = SimTestKernels.Load("counters.cu");
        using var _ = gpu;
        var input = gpu.Upload(new float[512]);
        var outp = gpu.Allocate(512 * 4);
        gpu.Launch(module.GetKernel("copy_float"), new LaunchConfig(new Dim3(2), new Dim3(256)), SimTestKernels.Args(input, outp));
        var s = gpu.LastLaunch;
        Assert.Equal(16, s.GlobalLoadRequests);
        Assert.Equal(64, s.GlobalLoadSectors);
        Assert.Equal(4.0, s.GlobalLoadSectorsPerRequest);
        Assert.Equal(4.0, s.GlobalLoadIdealSectorsPerRequest);
        Assert.Equal(16, s.GlobalStoreRequests);
        Assert.Equal(64, s.GlobalStoreSectors);
        Assert.Equal(0, s.GlobalExcessSectors);
        Assert.Equal(1.0, s.WarpExecutionEfficiency);
        Assert.Equal(512, s.Threads);
    }

    [NvrtcFact]
    public void Float4AccessTouchesSixteenSectorsPerRequest()
    {
        var (gpu, module) = SimTestKernels.Load("counters.cu");
        using var _ = gpu;
        var input = gpu.Upload(new float[128 * 4]);
        var outp = gpu.Allocate(128 * 16);
        gpu.Launch(module.GetKernel("copy_float4"), new LaunchConfig(new Dim3(1), new Dim3(128)), SimTestKernels.Args(input, outp));
        var s = gpu.LastLaunch;
        Assert.Equal(4, s.GlobalLoadRequests);
        Assert.Equal(16.0, s.GlobalLoadSectorsPerRequest);
        Assert.Equal(16.0, s.GlobalLoadIdealSectorsPerRequest);
        Assert.Equal(16.0, s.GlobalStoreSectorsPerRequest);
    }

    [NvrtcFact]
    public void StrideOf32FloatsTouchesOneSectorPerLane()
    {
        var (gpu, module) = SimTestKernels.Load("counters.cu");
        using var _ = gpu;
        var input = gpu.Upload(new float[32 * 32]);
        var outp = gpu.Allocate(32 * 4);
        gpu.Launch(module.GetKernel("strided_read"), new LaunchConfig(new Dim3(1), new Dim3(32)), SimTestKernels.Args(input, outp));
        var s = gpu.LastLaunch;
        Assert.Equal(1, s.GlobalLoadRequests);
        Assert.Equal(32, s.GlobalLoadSectors);
        Assert.Equal(4, s.GlobalLoadIdealSectors);
        Assert.Equal(28, s.GlobalExcessSectors);
    }

    [NvrtcTheory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    public void TwoWayBankConflictCostsOneExtraWavefrontAndPaddingRemovesIt(int pad, int conflictsPerAccess)
    {
        var (gpu, module) = SimTestKernels.Load("counters.cu");
        using var _ = gpu;
        var outp = gpu.Allocate(32 * 4);
        gpu.Launch(module.GetKernel("bank_rows"), new LaunchConfig(new Dim3(1), new Dim3(32)), SimTestKernels.Args(outp, pad));
        var s = gpu.LastLaunch;
        Assert.Equal(1, s.SharedStoreRequests);
        Assert.Equal(1, s.SharedLoadRequests);
        Assert.Equal(1 + conflictsPerAccess, s.SharedStoreWavefronts);
        Assert.Equal(conflictsPerAccess, s.SharedStoreBankConflicts);
        Assert.Equal(conflictsPerAccess, s.SharedLoadBankConflicts);
        var result = gpu.Download<float>(outp, 32);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (float)i).ToArray(), result);
    }

    [NvrtcFact]
    public void InstructionAndFlopCountsAddUpAcrossLaunches()
    {
        var (gpu, module) = SimTestKernels.Load("counters.cu");
        using var _ = gpu;
        const int n = 16;
        var a = gpu.Upload(new float[n * n]);
        var c = gpu.Allocate(n * n * 4);
        var k = module.GetKernel("sgemm_tiled");
        var cfg = new LaunchConfig(new Dim3(1, 1), new Dim3(16, 16));
        gpu.Launch(k, cfg, SimTestKernels.Args(a, a, c, n, n, n));
        var first = gpu.LastLaunch;
        // One 16x16 tile: every thread does 16 fma (2 flops each).
        Assert.Equal(256L * 16 * 2, first.Flops32);
        Assert.Equal(2, first.Barriers / 8);
        Assert.Equal(first.ThreadInstructions, first.WarpInstructions * 32);
        gpu.Launch(k, cfg, SimTestKernels.Args(a, a, c, n, n, n));
        var total = gpu.KernelStats["sgemm_tiled"];
        Assert.Equal(2, total.Launches);
        Assert.Equal(2 * first.WarpInstructions, total.WarpInstructions);
    }
}
