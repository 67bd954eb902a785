using CudaCnn.Runtime;

namespace CudaCnn.Tests.Runtime;

public sealed class CudaTargetsTests
{
    // What libnvrtc 11.8 reports from nvrtcGetSupportedArchs.
    private static readonly int[] Nvrtc118 = [35, 37, 50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90];

    [Theory]
    [InlineData(9, 0, "sm_90")]      // H100: a cubin, no JIT
    [InlineData(8, 0, "sm_80")]
    [InlineData(8, 6, "sm_86")]
    [InlineData(10, 0, "compute_90")] // Blackwell with NVRTC 11.8: newest PTX, JIT by the driver
    [InlineData(12, 0, "compute_90")]
    public void The_device_arch_is_preferred_else_the_newest_older_PTX(int major, int minor, string expected) =>
        Assert.Equal(expected, CudaTargets.Choose(major, minor, Nvrtc118).ToString());

    [Fact]
    public void A_device_between_supported_archs_gets_the_PTX_below_it() =>
        Assert.Equal("compute_80", CudaTargets.Choose(8, 6, [70, 75, 80, 90]).ToString());

    [Fact]
    public void A_device_older_than_every_supported_arch_is_refused()
    {
        var e = Assert.Throws<NotSupportedException>(() => CudaTargets.Choose(3, 0, Nvrtc118));
        Assert.Contains("sm_30", e.Message);
        Assert.Contains("compute_35", e.Message);
    }

    [Theory]
    [InlineData("sm_80", 8, 0, true)]
    [InlineData("sm_80", 8, 6, true)]   // same major, later minor: binary compatible
    [InlineData("sm_86", 8, 0, false)]
    [InlineData("sm_80", 9, 0, false)]  // a cubin never runs on another major
    [InlineData("compute_80", 9, 0, true)]
    [InlineData("compute_90", 8, 9, false)]
    public void Compatibility_follows_the_cubin_and_PTX_rules(string target, int major, int minor, bool runs) =>
        Assert.Equal(runs, CudaTargets.CanRun(CompileTarget.Parse(target), major, minor));
}
