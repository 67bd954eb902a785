using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Runtime;

public class KernelReportTests
{
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);

    // Three kernels whose ptxas facts are known by construction: a static shared array of 64 floats (256 bytes),
    // a kernel calling a non-inlined device function (its own "Function properties" block must be ignored), and
    // one with 64 live floats under --maxrregcount=24 (no launch bounds, which would override the cap), so it spills.
    private const string Source = """
        extern "C" __global__ void __launch_bounds__(128) shared_user(float* o) {
            __shared__ float tile[64];
            tile[threadIdx.x % 64] = o[threadIdx.x];
            __syncthreads();
            o[threadIdx.x] = tile[(threadIdx.x + 1) % 64];
        }
        __device__ __noinline__ float helper(float x) { float t[8]; for (int i = 0; i < 8; i++) t[i] = x * i; return t[(int)x & 7]; }
        extern "C" __global__ void __launch_bounds__(64) calls(float* o) { o[threadIdx.x] = helper(o[threadIdx.x]); }
        extern "C" __global__ void spills(float* o, const float* a) {
            float v[64];
            #pragma unroll
            for (int i = 0; i < 64; i++) v[i] = a[threadIdx.x * 64 + i];
            float s = 0;
            #pragma unroll
            for (int i = 0; i < 64; i++) s += v[i] * v[(i + 7) % 64] + v[(i * 5) % 64] * s;
            #pragma unroll
            for (int i = 0; i < 64; i++) o[threadIdx.x * 64 + i] = v[i] * s;
        }
        """;

    [NvrtcFact]
    public void Real_ptxas_report_is_parsed_per_entry()
    {
        var module = Compiler.Compile(new KernelSource("report.cu", Source), CompileTarget.Parse("sm_80"), ["--maxrregcount=24"]);
        var kernels = module.Kernels.ToDictionary(k => k.Name);

        Assert.Equal(["calls", "shared_user", "spills"], kernels.Keys.Order());
        var shared = kernels["shared_user"].Resources!;
        Assert.Equal(256, shared.SharedBytes);
        Assert.InRange(shared.Registers, 1, 24);
        Assert.True(shared.ConstantBytes > 0, "the kernel parameter bank cmem[0] is always reported on sm_80");
        Assert.Equal(0, shared.SpillStoreBytes);

        var calls = kernels["calls"].Resources!;
        Assert.True(calls.StackBytes >= 32, $"the call needs a stack frame for helper's array, got {calls.StackBytes}");

        var spills = kernels["spills"].Resources!;
        Assert.Equal(24, spills.Registers);
        Assert.True(spills.SpillStoreBytes > 0 && spills.SpillLoadBytes > 0, $"{spills}");
        Assert.True(spills.StackBytes >= spills.SpillStoreBytes / 2, $"spills live in the stack frame: {spills}");

        Assert.Equal(128, kernels["shared_user"].LaunchBound);
        Assert.Equal(64, kernels["calls"].LaunchBound);
        Assert.Null(kernels["spills"].LaunchBound);
    }

    [NvrtcFact]
    public void Ptx_targets_have_launch_bounds_but_no_ptxas_report()
    {
        var module = Compiler.Compile(new KernelSource("report.cu", Source), CompileTarget.Parse("compute_80"));
        Assert.All(module.Kernels, k => Assert.Null(k.Resources));
        Assert.Equal(128, module.Kernels.Single(k => k.Name == "shared_user").LaunchBound);
    }

    [Fact]
    public void Parses_the_cuda_12_format_with_barriers_and_several_constant_banks()
    {
        const string log = """
            ptxas info    : 11 bytes gmem
            ptxas info    : Compiling entry function 'k' for 'sm_90'
            ptxas info    : Function properties for k
            ptxas         .     16 bytes stack frame, 8 bytes spill stores, 12 bytes spill loads
            ptxas info    : Used 10 registers, used 1 barriers, 256 bytes smem, 376 bytes cmem[0], 4 bytes cmem[2]
            """;
        var k = KernelReport.ParsePtxasLog(log)["k"];
        Assert.Equal(new PtxasResources(Registers: 10, SharedBytes: 256, ConstantBytes: 380, StackBytes: 16, SpillStoreBytes: 8, SpillLoadBytes: 12), k);
    }

    [Fact]
    public void Launch_bounds_multiply_all_three_maxntid_dimensions()
    {
        const string ptx = """
            .visible .entry a(
                .param .u64 a_param_0
            )
            .maxntid 256, 1, 1
            {
            }
            .visible .entry b(
                .param .u64 b_param_0
            )
            .maxntid 16, 8, 2
            {
            }
            .visible .entry c(
            )
            {
            .maxntid 1
            }
            """;
        var bounds = KernelReport.ParseLaunchBounds(ptx);
        Assert.Equal(256, bounds["a"]);
        Assert.Equal(256, bounds["b"]);
        Assert.False(bounds.ContainsKey("c"), "a .maxntid inside another body belongs to no entry header");
    }
}
