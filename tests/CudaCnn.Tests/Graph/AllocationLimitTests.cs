using CudaCnn.Graph;
using CudaCnn.Layers;
using CudaCnn.Models;
using CudaCnn.Ops;
using CudaCnn.Runtime;
using CudaCnn.Sim;

namespace CudaCnn.Tests.Graph;

/// <summary>Network.Build refuses a step whose largest buffer exceeds the device's largest single allocation
/// (<see cref="DeviceInfo.MaxAllocationBytes"/>) instead of failing mid-step.</summary>
public class AllocationLimitTests
{
    [Fact]
    public void The_estimate_names_the_largest_single_buffer()
    {
        var model = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new Flatten(), new Linear(2 * 6 * 6, 3));
        var input = new TensorShape(4, 1, 8, 8);
        // Largest parameter: the 3 x 72 linear weight (216); activation: conv/ReLU output 288; workspace: 1728.
        Assert.Equal(288 * 4, Network.EstimateMemory(model, input, kernelBackend: false).LargestAllocationBytes);
        Assert.Equal(1728 * 4, Network.EstimateMemory(model, input, kernelBackend: true).LargestAllocationBytes);
    }

    [Fact]
    public void Vgg16_at_batch_64_on_the_software_GPU_is_refused_at_build_naming_the_sizes()
    {
        using var sim = new SimGpu();
        using var ops = new KernelOps(sim);
        var input = new TensorShape(64, 3, 224, 224);
        long workspace = Network.EstimateMemory(Vgg16.Create(), input, kernelBackend: true).WorkspaceBytes;
        Assert.True(workspace > SimGpu.MaxAllocationBytes, $"the convolution workspace ({workspace} bytes) no longer exceeds the limit");

        int live = sim.LiveAllocations;

        var e = Assert.Throws<InsufficientMemoryException>(() => Network.Build(Vgg16.Create(), ops, input));

        Assert.Contains($"needs a single buffer of {workspace} bytes", e.Message);
        Assert.Contains($"the largest single allocation of {sim.Info.Name} is {SimGpu.MaxAllocationBytes} bytes", e.Message);
        Assert.Equal(live, sim.LiveAllocations);
    }
}
