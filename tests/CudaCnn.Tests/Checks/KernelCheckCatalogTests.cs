using CudaCnn.Checks;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Sim;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Checks;

/// <summary>Every case of the catalog behind <c>cudacnn check</c> passes on the software GPU with its checkers on.</summary>
public sealed class KernelCheckCatalogTests
{
    public static TheoryData<string> CheckNames() => [.. KernelCheckCatalog.All.Select(c => c.ToString())];

    [NvrtcTheory]
    [MemberData(nameof(CheckNames))]
    public void Check_passes_on_the_software_gpu(string name)
    {
        var check = KernelCheckCatalog.All.Single(c => c.ToString() == name);
        using var sim = new SimGpu();
        using var library = new KernelLibrary(sim);
        ComparisonResult result;
        using (var context = new CheckContext(library))
            result = check.Run(context);

        Assert.True(result.Passed, result.Message);
        Assert.Equal(0, sim.LiveAllocations);
    }

    [Fact]
    public void Catalog_names_are_unique_and_ops_are_selectable()
    {
        Assert.Equal(KernelCheckCatalog.All.Count, KernelCheckCatalog.All.Select(c => c.ToString()).Distinct().Count());
        foreach (string op in KernelCheckCatalog.Ops)
            Assert.NotEmpty(KernelCheckCatalog.For(op));
        var e = Assert.Throws<ArgumentException>(() => KernelCheckCatalog.For("no-such-op"));
        Assert.Contains("elementwise", e.Message);
    }

    [NvrtcFact]
    public void A_poisoned_output_that_a_kernel_never_writes_fails_the_comparison()
    {
        using var sim = new SimGpu();
        using var library = new KernelLibrary(sim);
        using var context = new CheckContext(library);
        var untouched = context.Poisoned(5);

        var result = TensorComparison.Compare("y", new float[5], untouched.ToArray(), new Tolerance(1e-3, 1e-3));

        Assert.False(result.Passed);
        Assert.Equal(5, result.Failures);
    }
}
