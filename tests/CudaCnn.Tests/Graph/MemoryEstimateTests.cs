using CudaCnn.Graph;
using CudaCnn.Layers;
using CudaCnn.Models;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Graph;

/// <summary>The build-time estimate of a training step's device memory, and the refusal it drives.</summary>
public class MemoryEstimateTests
{
    [Fact]
    public void The_estimate_counts_parameters_optimizer_state_activations_and_kernel_scratch()
    {
        var model = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new Flatten(), new Linear(2 * 6 * 6, 3));
        var input = new TensorShape(4, 1, 8, 8);

        var reference = Network.EstimateMemory(model, input, kernelBackend: false);
        Assert.Equal((18 + 2 + 72 * 3 + 3) * 4, reference.ParameterBytes);
        Assert.Equal(3 * reference.ParameterBytes, reference.GradientAndOptimizerBytes);
        // Input 256, conv/ReLU/flatten outputs 288 each, logits 12; three gradients of the largest (288) in flight.
        Assert.Equal((256 + 3 * 288 + 12 + 3 * 288) * 4, reference.ActivationBytes);
        Assert.Equal(0, reference.WorkspaceBytes + reference.FilterTransformBytes);

        var kernels = Network.EstimateMemory(model, input, kernelBackend: true);
        // Forward: Winograd F(2x2) on 6x6 outputs, V and M of 16 x 4 images x 9 tiles x (1 + 2) channels; backward data:
        // F(4x4) on the 8x8 input, 36 x 4 x 4 tiles x (2 + 1); backward filter: im2col 9 x 36. Filters 16 x 2 + 36 x 2.
        Assert.Equal(1728 * 4, kernels.WorkspaceBytes);
        Assert.Equal((16 * 2 + 36 * 2) * 4, kernels.FilterTransformBytes);
        Assert.Equal(reference.TotalBytes + (1728 + 104) * 4, kernels.TotalBytes);
    }

    [Fact]
    public void A_batch_whose_activations_do_not_fit_is_refused_naming_the_sizes()
    {
        // LeNet-5's parameters take 1 MiB with their optimizer state; 4096 images of activations take far more.
        using var small = new HostMemoryDevice(totalMemoryBytes: 64L << 20);
        var e = Assert.Throws<InsufficientMemoryException>(() =>
            Network.Build(LeNet5.Create(LeNetActivation.ReLU), new ReferenceOps(small), LeNet5.InputShape(4096)));
        Assert.Contains("61,706 parameters) at input [4096,1,28,28] needs about", e.Message);
        Assert.Contains("parameters 0 + gradients and optimizer state 1 + activations ", e.Message);
        Assert.Contains("more than the 64 MiB of", e.Message);
        Assert.Equal(0, small.LiveAllocations);

        using var fits = Network.Build(LeNet5.Create(LeNetActivation.ReLU), new ReferenceOps(small), LeNet5.InputShape(64));
    }
}
