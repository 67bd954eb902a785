using System.Text;
using CudaCnn.Runtime;
using CudaCnn.Sim.Ptx;

namespace CudaCnn.Sim.Tests;

/// <summary>Loading hand-written PTX: syntax NVRTC emits, and clear errors for what the simulator does not run.</summary>
public class LoaderTests
{
    private static CompiledModule Ptx(string text) =>
        new("hand.ptx", CompileTarget.Ptx(8, 0), Encoding.ASCII.GetBytes(text), "", []);

    private const string Header = ".version 7.8\n.target sm_80\n.address_size 64\n";

    [Fact]
    public void ScopesNegatedGuardsVectorsAndInitializedConstantsWork()
    {
        const string text = Header + """
            .const .align 4 .b8 table[8] = {0, 0, 128, 63, 0, 0, 0, 64};
            .visible .entry k(
                .param .u64 k_param_0,
                .param .u32 k_param_1
            )
            {
                .reg .pred %p<2>;
                .reg .f32 %f<4>;
                .reg .b32 %r<4>;
                .reg .b64 %rd<4>;
                ld.param.u64 %rd1, [k_param_0];
                ld.param.u32 %r1, [k_param_1];
                mov.u32 %r2, %tid.x;
                setp.lt.u32 %p1, %r2, %r1;
                ld.const.f32 %f1, [table+4];
                { .reg .b32 %r<2>; mov.b32 %r1, 0f40400000; mov.b32 %f2, %r1; }
                @!%p1 bra $L__done;
                mul.wide.u32 %rd2, %r2, 8;
                add.s64 %rd3, %rd1, %rd2;
                st.global.v2.f32 [%rd3+-0], {%f1, %f2};
            $L__done:
                ret;
            }
            """;
        using var gpu = new SimGpu();
        var module = gpu.LoadModule(Ptx(text));
        var output = gpu.Allocate(32 * 8);
        gpu.Fill32(output, 0, 64);
        var args = new KernelArgs();
        args.Add(output);
        args.Add(3u);
        gpu.Launch(module.GetKernel("k"), new LaunchConfig(new Dim3(1), new Dim3(32)), args);
        var result = new float[64];
        gpu.CopyToHost<float>(output, result);
        Assert.Equal(new[] { 2f, 3f, 2f, 3f, 2f, 3f, 0f }, result.Take(7).ToArray());
    }

    [Fact]
    public void UnsupportedInstructionsFailAtLoadNamingTheInstructionAndLine()
    {
        const string text = Header + """
            .visible .entry k()
            {
                .reg .b32 %r<3>;
                mov.u32 %r1, 1;
                mul24.lo.s32 %r2, %r1, %r1;
                ret;
            }
            """;
        using var gpu = new SimGpu();
        var ex = Assert.Throws<PtxLoadException>(() => gpu.LoadModule(Ptx(text)));
        Assert.Equal(8, ex.Line);
        Assert.Contains("mul24.lo.s32", ex.Message);
    }

    [Fact]
    public void ArgumentSizeMismatchNamesKernelParameterAndSizes()
    {
        const string text = Header + """
            .visible .entry k(
                .param .u64 k_param_0,
                .param .u32 k_param_1
            )
            {
                ret;
            }
            """;
        using var gpu = new SimGpu();
        var kernel = gpu.LoadModule(Ptx(text)).GetKernel("k");
        var args = new KernelArgs();
        args.Add(gpu.Allocate(16));
        args.Add(5L);
        var ex = Assert.Throws<ArgumentException>(() => gpu.Launch(kernel, new LaunchConfig(new Dim3(1), new Dim3(1)), args));
        Assert.Contains("kernel k, parameter 1: expected a 4-byte argument, got 8 bytes", ex.Message);
    }

    [Fact]
    public void AllocationsAreSeparatedByGuardGapsAndCounted()
    {
        using var gpu = new SimGpu();
        var a = gpu.Allocate(100);
        var b = gpu.Allocate(100);
        Assert.True(b.Address - a.Address >= 100 + 4096);
        Assert.Equal(2, gpu.LiveAllocations);
        gpu.Free(a);
        Assert.Equal(1, gpu.LiveAllocations);
        Assert.Throws<ArgumentException>(() => gpu.CopyToDevice<byte>(a, new byte[4]));
    }
}
