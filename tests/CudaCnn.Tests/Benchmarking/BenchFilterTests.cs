using CudaCnn.Benchmarking;

namespace CudaCnn.Tests.Benchmarking;

public class BenchFilterTests
{
    private const string Name = "conv/resnet50.56x56.64-64.3x3.b32.fwd/ours.Winograd4x4";

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("resnet50", true)]           // substring
    [InlineData("RESNET50", true)]           // case-insensitive
    [InlineData("vgg16", false)]
    [InlineData("conv/*", true)]             // glob: whole name
    [InlineData("conv", true)]
    [InlineData("*Winograd?x4", true)]
    [InlineData("*.fwd", false)]             // a glob must match to the end
    [InlineData("*.fwd/*", true)]
    [InlineData("gemm/*,*winograd*", true)]  // any of several patterns
    [InlineData("gemm/*, memory/*", false)]
    public void Matches_substrings_globs_and_lists(string? filter, bool expected) =>
        Assert.Equal(expected, new BenchFilter(filter).Matches(Name));

    [Fact]
    public void Apply_keeps_the_catalog_order()
    {
        var selected = new BenchFilter("overhead/*").Apply(BenchCatalog.Sim());
        Assert.Equal(["overhead/launch.gemm64/dry-run", "overhead/step.lenet5.b8/dry-run"], selected.Select(c => c.Name));
    }
}
