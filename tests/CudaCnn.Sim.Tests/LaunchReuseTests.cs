using System.Text;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Sim.Tests;

/// <summary>
/// The interpreter state (warps, shared and local memory, racecheck shadow, counters) is reused across launches:
/// steady-state launches allocate nothing, and reuse changes no result, bound or report.
/// </summary>
public class LaunchReuseTests
{
    private const int WarmUpLaunches = 2, MeasuredLaunches = 20;

    /// <summary>Bytes allocated on this thread by <see cref="MeasuredLaunches"/> launches after the warm-up.</summary>
    private static long SteadyStateBytes(SimGpu gpu, GpuKernel kernel, LaunchConfig config, KernelArgs args)
    {
        for (int i = 0; i < WarmUpLaunches; i++) gpu.Launch(kernel, config, args);
        return SteadyStateAllocation.Bytes(() =>
        {
            for (int i = 0; i < MeasuredLaunches; i++) gpu.Launch(kernel, config, args);
        });
    }

    [NvrtcTheory]
    [InlineData(SimCheckers.None)]
    [InlineData(SimCheckers.Default | SimCheckers.Initcheck)]
    public void SteadyStateLaunchesAllocateNothing(SimCheckers checkers)
    {
        var options = new SimOptions { Deterministic = true, Checkers = checkers };
        const int n = 64;
        {
            // Shared memory, barriers and (with the checkers) the racecheck shadow.
            var (gpu, module) = SimTestKernels.Load("counters.cu", options);
            using var _ = gpu;
            var a = gpu.Upload(new float[n * n]);
            var c = gpu.Upload(new float[n * n]);
            var args = SimTestKernels.Args(a, a, c, n, n, n);
            Assert.Equal(0, SteadyStateBytes(gpu, module.GetKernel("sgemm_tiled"), new LaunchConfig(new Dim3(n / 16, n / 16), new Dim3(16, 16)), args));
        }
        {
            // Local memory, recursion (call frames, saved registers) and indirect calls.
            var (gpu, module) = SimTestKernels.Load("control.cu", options);
            using var _ = gpu;
            var depth = gpu.Upload(Enumerable.Range(0, 64).Select(t => t % 12).ToArray());
            var output = gpu.Upload(new float[64]);
            var args = SimTestKernels.Args(depth, output);
            Assert.Equal(0, SteadyStateBytes(gpu, module.GetKernel("calls"), new LaunchConfig(new Dim3(2), new Dim3(32)), args));
        }
        {
            // Warp shuffles.
            var (gpu, module) = SimTestKernels.Load("dnn.cu", options);
            using var _ = gpu;
            var x = gpu.Upload(Enumerable.Range(0, 4 * 40).Select(i => i * 0.01f).ToArray());
            var y = gpu.Upload(new float[4 * 40]);
            var args = SimTestKernels.Args(x, y, 40);
            Assert.Equal(0, SteadyStateBytes(gpu, module.GetKernel("softmax_warp"), new LaunchConfig(new Dim3(4), new Dim3(32)), args));
        }
    }

    /// <summary>Parallel mode's bound per launch: Parallel.For's own task, loop-state and delegate-closure objects on the
    /// launching thread (measured 1,608 B for sgemm_tiled on .NET 10); the interpreter state itself is pooled.</summary>
    private const long ParallelForBytesPerLaunch = 8 * 1024;

    [NvrtcFact]
    public void ParallelLaunchesAllocateOnlyParallelForsOwnObjects()
    {
        var (gpu, module) = SimTestKernels.Load("counters.cu", new SimOptions { MaxDegreeOfParallelism = 2 });
        using var _ = gpu;
        const int n = 64;
        var a = gpu.Upload(new float[n * n]);
        var c = gpu.Upload(new float[n * n]);
        var args = SimTestKernels.Args(a, a, c, n, n, n);
        long bytes = SteadyStateBytes(gpu, module.GetKernel("sgemm_tiled"), new LaunchConfig(new Dim3(n / 16, n / 16), new Dim3(16, 16)), args);
        Assert.InRange(bytes / MeasuredLaunches, 0, ParallelForBytesPerLaunch);
    }

    private static CompiledModule Ptx(string text) =>
        new("reuse.ptx", CompileTarget.Ptx(8, 0), Encoding.ASCII.GetBytes(text), "", []);

    private const string Header = ".version 7.8\n.target sm_80\n.address_size 64\n";

    // poke writes tid + 1 to big[tid]; peek copies big[tid] to out without writing it; local_index stores 7 to a
    // 16-byte local array at a given index and reads it back.
    private const string Kernels = Header + """
        .shared .align 4 .b8 big[4096];
        .visible .entry poke()
        {
            .reg .b32 %r<5>;
            mov.u32 %r1, %tid.x;
            add.s32 %r2, %r1, 1;
            shl.b32 %r3, %r1, 2;
            mov.u32 %r4, big;
            add.s32 %r4, %r4, %r3;
            st.shared.u32 [%r4], %r2;
            ret;
        }
        .visible .entry peek(.param .u64 peek_param_0)
        {
            .reg .b32 %r<5>;
            .reg .b64 %rd<5>;
            ld.param.u64 %rd1, [peek_param_0];
            mov.u32 %r1, %tid.x;
            shl.b32 %r3, %r1, 2;
            mov.u32 %r4, big;
            add.s32 %r4, %r4, %r3;
            ld.shared.u32 %r2, [%r4];
            mul.wide.u32 %rd2, %r1, 4;
            add.s64 %rd3, %rd1, %rd2;
            st.global.u32 [%rd3], %r2;
            ret;
        }
        .visible .entry local_index(.param .u64 local_index_param_0, .param .u32 local_index_param_1)
        {
            .local .align 4 .b8 __local_depot0[16];
            .reg .b32 %r<4>;
            .reg .b64 %rd<5>;
            mov.u64 %rd1, __local_depot0;
            ld.param.u64 %rd2, [local_index_param_0];
            ld.param.u32 %r1, [local_index_param_1];
            mul.wide.u32 %rd3, %r1, 4;
            add.s64 %rd4, %rd1, %rd3;
            mov.u32 %r2, 7;
            st.local.u32 [%rd4], %r2;
            ld.local.u32 %r3, [%rd4];
            st.global.u32 [%rd2], %r3;
            ret;
        }
        """;

    /// <summary>Stores tid to a 64-byte shared array at tid * 4 (its own module: every static shared variable of a
    /// module is laid out for each of its kernels).</summary>
    private const string SmallShared = Header + """
        .shared .align 4 .b8 small[64];
        .visible .entry small_shared()
        {
            .reg .b32 %r<5>;
            mov.u32 %r1, %tid.x;
            shl.b32 %r3, %r1, 2;
            mov.u32 %r4, small;
            add.s32 %r4, %r4, %r3;
            st.shared.u32 [%r4], %r1;
            ret;
        }
        """;

    [Fact]
    public void EveryLaunchStartsFromZeroedSharedMemory()
    {
        using var gpu = new SimGpu(new SimOptions { Deterministic = true });
        var module = gpu.LoadModule(Ptx(Kernels));
        var block = new LaunchConfig(new Dim3(1), new Dim3(64));
        gpu.Launch(module.GetKernel("poke"), block, new KernelArgs());
        var output = gpu.Allocate(64 * 4);
        gpu.Fill32(output, 0xFFFFFFFF, 64);
        var args = new KernelArgs();
        args.Add(output);
        gpu.Launch(module.GetKernel("peek"), block, args);
        var seen = new uint[64];
        gpu.CopyToHost<uint>(output, seen);
        Assert.All(seen, v => Assert.Equal(0u, v));
    }

    [Fact]
    public void SharedBoundsAreTheLaunchsEvenAfterALargerLaunch()
    {
        using var gpu = new SimGpu(new SimOptions { Deterministic = true });
        var big = gpu.LoadModule(Ptx(Kernels));
        var small = gpu.LoadModule(Ptx(SmallShared)).GetKernel("small_shared");
        gpu.Launch(big.GetKernel("poke"), new LaunchConfig(new Dim3(1), new Dim3(1024)), new KernelArgs());
        gpu.Launch(small, new LaunchConfig(new Dim3(1), new Dim3(16)), new KernelArgs());
        var e = Assert.Throws<SimViolationException>(() => gpu.Launch(small, new LaunchConfig(new Dim3(1), new Dim3(32)), new KernelArgs()));
        Assert.Equal(SimViolationKind.OutOfBounds, e.Kind);
        Assert.Contains("__shared__ write of size 4 at offset 64 (the block has 64 bytes", e.Message);
    }

    [Fact]
    public void LocalMemoryIsTheDepotTheKernelDeclares()
    {
        using var gpu = new SimGpu(new SimOptions { Deterministic = true });
        var module = gpu.LoadModule(Ptx(Kernels));
        var output = gpu.Allocate(4);
        var kernel = module.GetKernel("local_index");
        var one = new LaunchConfig(new Dim3(1), new Dim3(1));
        var args = new KernelArgs();
        args.Add(output);
        args.Add(3u);
        gpu.Launch(kernel, one, args);
        var value = new uint[1];
        gpu.CopyToHost<uint>(output, value);
        Assert.Equal(7u, value[0]);
        var beyond = new KernelArgs();
        beyond.Add(output);
        beyond.Add(4u);
        var e = Assert.Throws<SimViolationException>(() => gpu.Launch(kernel, one, beyond));
        Assert.Equal(SimViolationKind.OutOfBounds, e.Kind);
        Assert.Contains("each thread has 16 bytes of local memory", e.Message);
    }

    [NvrtcFact]
    public void RacecheckReportsARaceAfterCleanLaunchesOnTheSameDevice()
    {
        var (gpu, module) = SimTestKernels.Load("checkers.cu");
        using var _ = gpu;
        var input = gpu.Upload(new float[64]);
        var output = gpu.Allocate(64 * 4);
        var kernel = module.GetKernel("reverse_shared");
        var block = new LaunchConfig(new Dim3(1), new Dim3(64));
        gpu.Launch(kernel, block, SimTestKernels.Args(input, output, 1));
        gpu.Launch(kernel, block, SimTestKernels.Args(input, output, 1));
        var e = Assert.Throws<SimViolationException>(() => gpu.Launch(kernel, block, SimTestKernels.Args(input, output, 0)));
        Assert.True(e.Kind is SimViolationKind.RaceReadAfterWrite or SimViolationKind.RaceWriteAfterRead, e.Message);
    }
}
