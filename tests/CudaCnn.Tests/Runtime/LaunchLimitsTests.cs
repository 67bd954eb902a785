using CudaCnn.Runtime;

namespace CudaCnn.Tests.Runtime;

public sealed class LaunchLimitsTests
{
    // An sm_80/sm_90 device and a kernel whose registers allow 512 threads per block.
    private static readonly LaunchLimits Device = new(new Dim3(1024, 1024, 64), new Dim3(int.MaxValue, 65535, 65535));
    private static readonly KernelLimits Kernel = new(MaxThreadsPerBlock: 512, MaxDynamicSharedBytes: 40 * 1024, StaticSharedBytes: 8 * 1024, Registers: 128);

    [Fact]
    public void A_launch_within_every_limit_passes() =>
        Device.Check("k", Kernel, new LaunchConfig(new Dim3(100_000, 2), new Dim3(16, 32), 40 * 1024));

    [Theory]
    [InlineData(0u, 1u)]
    [InlineData(1u, 0u)]
    public void A_zero_dimension_is_rejected(uint grid, uint block)
    {
        var e = Assert.Throws<ArgumentException>(() => Device.Check("fill", Kernel, new LaunchConfig(new Dim3(grid), new Dim3(block))));
        Assert.Contains("fill", e.Message);
        Assert.Contains("zero dimension", e.Message);
    }

    [Fact]
    public void Too_many_threads_for_the_kernel_names_its_limit_and_registers()
    {
        var e = Assert.Throws<ArgumentException>(() => Device.Check("gemm", Kernel, new LaunchConfig(new Dim3(1), new Dim3(32, 32))));
        Assert.Contains("gemm: block (32,32,1) has 1024 threads; this kernel allows at most 512 per block (128 registers per thread)", e.Message);
    }

    [Fact]
    public void A_block_dimension_beyond_the_device_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Device.Check("k", Kernel, new LaunchConfig(new Dim3(1), new Dim3(1, 1, 128))));
        Assert.Contains("exceeds the device's maximum block dimensions (1024,1024,64)", e.Message);
    }

    [Fact]
    public void A_grid_dimension_beyond_the_device_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Device.Check("k", Kernel, new LaunchConfig(new Dim3(1, 70_000), new Dim3(32))));
        Assert.Contains("grid (1,70000,1) exceeds", e.Message);
    }

    [Fact]
    public void Too_much_dynamic_shared_memory_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Device.Check("k", Kernel, new LaunchConfig(new Dim3(1), new Dim3(32), 40 * 1024 + 1)));
        Assert.Contains("asks for 40961 bytes of dynamic shared memory; this kernel allows at most 40960 (it also uses 8192 bytes statically)", e.Message);
    }
}
