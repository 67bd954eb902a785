using CudaCnn.Checks;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

/// <summary>The CUDA device and kernel library that <see cref="ConvolutionGpuTests"/> share: opened once, and only
/// where the GPU tests run (with CUDACNN_REQUIRE_GPU=1 and no device, opening fails and so does every test).</summary>
public sealed class CudaDeviceFixture : IDisposable
{
    // Memory cache only: each kernel file compiles once per test process.
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);

    public CudaDeviceFixture()
    {
        if (GpuRequirement.SkipReason is not null) return; // [GpuTheory] skips every test; nothing to open
        Gpu = CudaGpu.Open();
        Library = new KernelLibrary(Gpu, Compiler);
    }

    public CudaGpu? Gpu { get; }
    public KernelLibrary? Library { get; }

    public void Dispose()
    {
        Library?.Dispose();
        Gpu?.Dispose();
    }
}

/// <summary>The conv and GEMM checks of the catalog (<see cref="ConvolutionChecks"/>: every algorithm that applies,
/// Auto included, in every direction on the <see cref="ConvCases"/> geometries, plus the bias gradient;
/// <see cref="GemmChecks"/>: SGEMM in every transpose, scalar and float4 paths, and v1) on a real CUDA device against
/// the CPU reference, with the tolerances they have on the software GPU. Skipped without a GPU.</summary>
public sealed class ConvolutionGpuTests(CudaDeviceFixture device) : IClassFixture<CudaDeviceFixture>
{
    public static TheoryData<string> CheckNames() =>
        [.. KernelCheckCatalog.For("conv").Concat(KernelCheckCatalog.For("gemm")).Select(c => c.ToString())];

    [GpuTheory]
    [MemberData(nameof(CheckNames))]
    public void Check_passes_on_the_gpu(string name)
    {
        var check = KernelCheckCatalog.All.Single(c => c.ToString() == name);
        using var context = new CheckContext(device.Library!);
        var result = check.Run(context);
        Assert.True(result.Passed, result.Message);
    }
}
