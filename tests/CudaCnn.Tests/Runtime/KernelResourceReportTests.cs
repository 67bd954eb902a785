using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Runtime;

public class KernelResourceReportTests
{
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);

    [NvrtcTheory]
    [InlineData("sm_80")]
    [InlineData("sm_90")]
    public void Elementwise_kernels_are_listed_without_spills_at_their_block_size(string arch)
    {
        var rows = KernelResourceReport.Build(Compiler, CompileTarget.Parse(arch))
            .Where(r => r.File == "elementwise.cu").ToList();

        Assert.Equal(["fill", "copy", "scale", "add", "axpy", "relu_forward", "relu_backward"], rows.Select(r => r.Kernel));
        Assert.All(rows, row =>
        {
            Assert.Equal(arch, row.Arch);
            Assert.Equal(0, row.Resources.SpillStoreBytes);
            Assert.Equal(0, row.Resources.SpillLoadBytes);
            Assert.Equal(0, row.Resources.SharedBytes);
            Assert.Equal(256, row.BlockSize);
            var expected = Occupancy.Compute(ArchLimits.For(CompileTarget.Parse(arch)), 256, row.Resources.Registers, 0);
            Assert.Equal(expected, row.Occupancy);
        });
    }

    [Fact]
    public void Ptx_targets_are_refused_because_ptxas_does_not_run()
    {
        var error = Assert.Throws<ArgumentException>(() => KernelResourceReport.Build(Compiler, CompileTarget.Parse("compute_80")));
        Assert.Contains("sm_XY", error.Message);
    }
}
