using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Sim.Tests;

/// <summary>Each checker catches its planted bug, names the place, and stays silent on the correct twin.</summary>
public class CheckerTests
{
    private static LaunchConfig Block(uint threads) => new(new Dim3(1), new Dim3(threads));

    [NvrtcFact]
    public void MemcheckCatchesAnOutOfBoundsWriteAndNamesTheAllocation()
    {
        var (gpu, module) = SimTestKernels.Load("checkers.cu");
        using var _ = gpu;
        var outp = gpu.Allocate(100 * 4);
        var k = module.GetKernel("write_upto");
        gpu.Launch(k, Block(128), SimTestKernels.Args(outp, 99));
        var ex = Assert.Throws<SimViolationException>(() => gpu.Launch(k, Block(128), SimTestKernels.Args(outp, 100)));
        Assert.Equal(SimViolationKind.OutOfBounds, ex.Kind);
        Assert.Equal((100u, 0u, 0u), ex.Thread);
        Assert.Equal(outp.Address + 400, ex.Address);
        Assert.Contains("st.global", ex.Instruction);
        Assert.Contains("offset 400", ex.Message);
        Assert.Contains("(400 bytes)", ex.Message);
        Assert.Matches(@"checkers\.cu:\d+", ex.SourceLocation);
    }

    [NvrtcFact]
    public void MemcheckCatchesAMisalignedFloat4Load()
    {
        var (gpu, module) = SimTestKernels.Load("checkers.cu");
        using var _ = gpu;
        var input = gpu.Upload(new float[40 * 4]);
        var outp = gpu.Allocate(32 * 4);
        var k = module.GetKernel("load_float4");
        gpu.Launch(k, Block(32), SimTestKernels.Args(input, outp, 4));
        var ex = Assert.Throws<SimViolationException>(() => gpu.Launch(k, Block(32), SimTestKernels.Args(input, outp, 1)));
        Assert.Equal(SimViolationKind.Misaligned, ex.Kind);
        Assert.Contains("v4.f32", ex.Instruction);
        Assert.Equal(input.Address + 4, ex.Address);
    }

    [NvrtcFact]
    public void RacecheckCatchesAMissingSyncthreads()
    {
        var (gpu, module) = SimTestKernels.Load("checkers.cu");
        using var _ = gpu;
        var input = gpu.Upload(Enumerable.Range(0, 256).Select(i => (float)i).ToArray());
        var outp = gpu.Allocate(256 * 4);
        var k = module.GetKernel("reverse_shared");
        gpu.Launch(k, Block(256), SimTestKernels.Args(input, outp, 1));
        Assert.Equal(Enumerable.Range(0, 256).Select(i => 255f - i).ToArray(), gpu.Download<float>(outp, 256));
        var ex = Assert.Throws<SimViolationException>(() => gpu.Launch(k, Block(256), SimTestKernels.Args(input, outp, 0)));
        Assert.True(ex.Kind is SimViolationKind.RaceReadAfterWrite or SimViolationKind.RaceWriteAfterRead, ex.Message);
    }

    [NvrtcFact]
    public void RacecheckCanBeSwitchedOff()
    {
        var (gpu, module) = SimTestKernels.Load("checkers.cu", new SimOptions { Deterministic = true, Checkers = SimCheckers.Memcheck });
        using var _ = gpu;
        var input = gpu.Upload(new float[256]);
        var outp = gpu.Allocate(256 * 4);
        gpu.Launch(module.GetKernel("reverse_shared"), Block(256), SimTestKernels.Args(input, outp, 0));
    }

    [NvrtcFact]
    public void SynccheckCatchesAShuffleFromLanesThatNeverArrive()
    {
        var (gpu, module) = SimTestKernels.Load("checkers.cu");
        using var _ = gpu;
        var values = Enumerable.Range(0, 32).Select(i => i * 10).ToArray();
        var input = gpu.Upload(values);
        var outp = gpu.Allocate(32 * 4);
        var k = module.GetKernel("shuffle_half");
        gpu.Launch(k, Block(32), SimTestKernels.Args(input, outp, 1));
        var result = gpu.Download<int>(outp, 32);
        for (int t = 0; t < 32; t++) Assert.Equal(t < 16 ? values[(t + 8) & 15] : values[t], result[t]);
        var ex = Assert.Throws<SimViolationException>(() => gpu.Launch(k, Block(32), SimTestKernels.Args(input, outp, 0)));
        Assert.Equal(SimViolationKind.InvalidCollective, ex.Kind);
        Assert.Contains("shfl.sync", ex.Instruction);
    }

    [NvrtcFact]
    public void SynccheckCatchesADivergentBarrier()
    {
        var (gpu, module) = SimTestKernels.Load("checkers.cu");
        using var _ = gpu;
        var outp = gpu.Allocate(128 * 4);
        var k = module.GetKernel("divergent_barrier");
        gpu.Launch(k, Block(64), SimTestKernels.Args(outp, 64));
        var ex = Assert.Throws<SimViolationException>(() => gpu.Launch(k, Block(64), SimTestKernels.Args(outp, 16)));
        Assert.Equal(SimViolationKind.DivergentBarrier, ex.Kind);
        Assert.Contains("bar.sync", ex.Instruction);
    }
}
