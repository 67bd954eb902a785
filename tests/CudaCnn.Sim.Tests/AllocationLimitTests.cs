using CudaCnn.Native;

namespace CudaCnn.Sim.Tests;

/// <summary>Requests the software GPU cannot back fail like the CUDA backend's (CUDA_ERROR_OUT_OF_MEMORY), naming
/// the sizes, before anything is allocated.</summary>
public class AllocationLimitTests
{
    [Fact]
    public void The_largest_single_allocation_is_reported_and_enforced()
    {
        using var gpu = new SimGpu();
        Assert.Equal(SimGpu.MaxAllocationBytes, gpu.Info.MaxAllocationBytes);
        Assert.Equal(2147483584L, SimGpu.MaxAllocationBytes); // Array.MaxLength (2^31 - 57) rounded down to 8
        long tooLarge = 3_699_376_128; // VGG-16's convolution workspace at batch 64

        var e = Assert.Throws<CudaException>(() => gpu.Allocate(tooLarge));

        Assert.Equal("CUDA_ERROR_OUT_OF_MEMORY", e.CodeName);
        Assert.Contains("Sim: cannot allocate 3699376128 bytes: largest single allocation is 2147483584 bytes", e.Message);
        Assert.Throws<CudaException>(() => gpu.Allocate(SimGpu.MaxAllocationBytes + 1));
        Assert.Equal(0, gpu.LiveAllocations);
    }

    [Fact]
    public void Live_allocations_may_not_exceed_the_reported_total()
    {
        using var gpu = new SimGpu(new SimOptions { TotalMemoryBytes = 1 << 20 });
        Assert.Equal(1 << 20, gpu.Info.TotalMemoryBytes);
        var first = gpu.Allocate(768 << 10);

        var e = Assert.Throws<CudaException>(() => gpu.Allocate(512 << 10));

        Assert.Equal("CUDA_ERROR_OUT_OF_MEMORY", e.CodeName);
        Assert.Contains("Sim: cannot allocate 524288 bytes: 786432 of the device's 1048576 bytes are in use", e.Message);
        Assert.Equal(1, gpu.LiveAllocations);
        gpu.Free(first);
        gpu.Free(gpu.Allocate(1 << 20));
    }
}
