using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Sim;
using CudaCnn.Tests.Shared;
using Xunit.Abstractions;

namespace CudaCnn.Tests.Kernels;

/// <summary>
/// Global-memory counters of the layer kernels on the software GPU (PTX-level proxies of Nsight's l1tex sectors):
/// a coalesced path issues exactly the ideal number of sectors per request, ceil(active lanes * bytes / 32).
/// Loads that every lane of a warp makes to one address (a per-channel parameter) are broadcasts, below the ideal.
/// Shapes are chosen so rows start on 32-byte boundaries. Each case also logs the sector bytes per element.
/// </summary>
public class LayerCountersTests(ITestOutputHelper output)
{
    /// <summary>How a kernel's loads compare with the ideal sector count.</summary>
    public enum Loads { Ideal, AtMostIdeal, Reported }

    private sealed record Case(string Kernel, long Elements, Loads Loads, bool StoresIdeal, Action<SimHarness> Run);

    private static readonly TensorShape Image = new(2, 4, 8, 8);
    /// <summary>Batch norm's split path: 8,192 values per channel in 2 chunks of one 64x64 plane each.</summary>
    private static readonly TensorShape Split = new(2, 2, 64, 64);
    private static readonly Pool2dParams Pool2x2 = new(2);
    private static readonly Pool2dParams Pool3x3 = new(3, stride: 2);

    private static readonly Dictionary<string, Case> Cases = new Case[]
    {
        new("activation_forward_vec4", 4096, Loads.Ideal, true, s =>
            new ActivationKernels(s.Library).Forward(s.PoisonedBuffer(4096), Ones(s, 4096), ActivationParams.ReLU)),
        new("activation_forward_f32", 4096, Loads.Ideal, true, s =>
            new ActivationKernels(s.Library) { UseVectorKernels = false }.Forward(s.PoisonedBuffer(4096), Ones(s, 4096), ActivationParams.Tanh)),
        new("activation_backward_vec4", 4096, Loads.Ideal, true, s =>
            new ActivationKernels(s.Library).Backward(s.PoisonedBuffer(4096), Ones(s, 4096), Ones(s, 4096), ActivationParams.Sigmoid)),
        new("bias_activation_forward_vec4", Image.Elements, Loads.AtMostIdeal, true, s =>
            new ActivationKernels(s.Library).BiasForward(s.Poisoned(Image), Ones(s, Image), Ones(s, Image.C), ActivationParams.ReLU)),
        new("bias_activation_backward", Image.Elements, Loads.AtMostIdeal, true, s =>
            new ActivationKernels(s.Library).BiasBackward(s.Poisoned(Image), Ones(s, Image.C), Ones(s, Image), Ones(s, Image), Ones(s, Image.C), ActivationParams.ReLU)),
        new("dropout_apply_vec4", 4096, Loads.Ideal, true, s =>
            new DropoutKernels(s.Library).Forward(s.PoisonedBuffer(4096), Ones(s, 4096), new DropoutParams(0.5f, 1), training: true)),
        new("max_pool2d_forward", Image.Elements, Loads.Reported, true, s =>
        {
            using var argmax = new DeviceBuffer<int>(s.Gpu, Pool2x2.OutputShape(Image).Elements);
            new PoolingKernels(s.Library).MaxForward(Ones(s, Image), Pool2x2, s.Poisoned(Pool2x2.OutputShape(Image)), argmax);
        }),
        new("max_pool2d_backward_scatter", Image.Elements, Loads.Ideal, false, s => MaxBackward(s, Pool2x2)),
        new("max_pool2d_backward_gather", Image.Elements, Loads.Reported, true, s => MaxBackward(s, Pool3x3)),
        new("avg_pool2d_forward", Image.Elements, Loads.Reported, true, s =>
            new PoolingKernels(s.Library).AvgForward(Ones(s, Image), Pool3x3, s.Poisoned(Pool3x3.OutputShape(Image)))),
        new("avg_pool2d_backward", Image.Elements, Loads.Reported, true, s =>
            new PoolingKernels(s.Library).AvgBackward(Ones(s, Pool3x3.OutputShape(Image)), Pool3x3, s.Poisoned(Image))),
        new("global_avg_pool_forward", Image.Elements, Loads.Ideal, true, s =>
            new PoolingKernels(s.Library).GlobalAvgForward(Ones(s, Image), s.Poisoned(new TensorShape(Image.N, Image.C, 1, 1)))),
        new("global_avg_pool_backward", Image.Elements, Loads.AtMostIdeal, true, s =>
            new PoolingKernels(s.Library).GlobalAvgBackward(Ones(s, new TensorShape(Image.N, Image.C, 1, 1)), s.Poisoned(Image))),
        new("lrn_forward", Image.Elements, Loads.Ideal, true, s =>
            new LrnKernels(s.Library).Forward(Ones(s, Image), new LrnParams(), s.Poisoned(Image), s.Poisoned(Image))),
        new("lrn_backward", Image.Elements, Loads.Ideal, true, s =>
            new LrnKernels(s.Library).Backward(Ones(s, Image), Ones(s, Image), Ones(s, Image), Ones(s, Image), new LrnParams(), s.Poisoned(Image))),
        new("batchnorm_forward_training", Image.Elements, Loads.AtMostIdeal, true, s =>
            new BatchNormKernels(s.Library).ForwardTraining(Ones(s, Image), Ones(s, Image.C), Ones(s, Image.C), Ones(s, Image.C), Ones(s, Image.C),
                new BatchNormParams(), s.Poisoned(Image), s.PoisonedBuffer(Image.C), s.PoisonedBuffer(Image.C))),
        new("batchnorm_forward_inference", Image.Elements, Loads.AtMostIdeal, true, s =>
            new BatchNormKernels(s.Library).ForwardInference(Ones(s, Image), Ones(s, Image.C), Ones(s, Image.C), Ones(s, Image.C), Ones(s, Image.C),
                new BatchNormParams(), s.Poisoned(Image))),
        new("batchnorm_backward", Image.Elements, Loads.AtMostIdeal, true, s =>
            new BatchNormKernels(s.Library).Backward(Ones(s, Image), Ones(s, Image), Ones(s, Image.C), Ones(s, Image.C), Ones(s, Image.C),
                s.Poisoned(Image), Ones(s, Image.C), Ones(s, Image.C))),
        new("batchnorm_forward_training_partials", Split.Elements, Loads.Ideal, true, BatchNormSplitForward),
        new("batchnorm_forward_training_apply", Split.Elements, Loads.AtMostIdeal, true, BatchNormSplitForward),
        new("batchnorm_backward_partials", Split.Elements, Loads.AtMostIdeal, true, BatchNormSplitBackward),
        new("batchnorm_backward_apply", Split.Elements, Loads.AtMostIdeal, true, BatchNormSplitBackward),
        new("softmax_cross_entropy_forward", 8 * 1000, Loads.Ideal, true, s =>
            new SoftmaxKernels(s.Library).CrossEntropyForward(Ones(s, new TensorShape(8, 1000)), s.Upload(new int[8]), s.Poisoned(new TensorShape(8, 1000)),
                s.PoisonedBuffer(8), s.PoisonedBuffer(1))),
        new("softmax_cross_entropy_backward", 8 * 1000, Loads.AtMostIdeal, true, s =>
            new SoftmaxKernels(s.Library).CrossEntropyBackward(Ones(s, new TensorShape(8, 1000)), s.Upload(new int[8]), s.Poisoned(new TensorShape(8, 1000)))),
        new("softmax_forward", 8 * 1000, Loads.Ideal, true, s =>
            new SoftmaxKernels(s.Library).Forward(Ones(s, new TensorShape(8, 1000)), s.Poisoned(new TensorShape(8, 1000)))),
        new("sgd_step", 4096, Loads.Ideal, true, s =>
            new OptimizerKernels(s.Library).Sgd(Ones(s, 4096), Ones(s, 4096), Ones(s, 4096), new SgdParams(0.1, momentum: 0.9), step: 2)),
        new("rmsprop_step", 4096, Loads.Ideal, true, s =>
            new OptimizerKernels(s.Library).RmsProp(Ones(s, 4096), Ones(s, 4096), Ones(s, 4096), null, new RmsPropParams())),
        new("adam_step", 4096, Loads.Ideal, true, s =>
            new OptimizerKernels(s.Library).Adam(Ones(s, 4096), Ones(s, 4096), Ones(s, 4096), Ones(s, 4096), new AdamParams(), step: 1)),
        new("concat_channels_forward", Image.Elements, Loads.Ideal, true, s =>
            new ConcatKernels(s.Library).Forward(s.Poisoned(Image), Ones(s, new TensorShape(2, 1, 8, 8)), Ones(s, new TensorShape(2, 3, 8, 8)))),
        new("concat_channels_backward", Image.Elements, Loads.Ideal, true, s =>
            new ConcatKernels(s.Library).Backward(Ones(s, Image), s.Poisoned(new TensorShape(2, 1, 8, 8)), s.Poisoned(new TensorShape(2, 3, 8, 8)))),
        new("residual_add_backward", 4096, Loads.Ideal, true, s =>
            new ElementwiseKernels(s.Library).ResidualAddBackward(s.PoisonedBuffer(4096), s.PoisonedBuffer(4096), Ones(s, 4096))),
    }.ToDictionary(c => c.Kernel);

    public static TheoryData<string> Kernels => [.. Cases.Keys];

    [NvrtcTheory]
    [MemberData(nameof(Kernels))]
    public void Global_sectors_per_request_are_ideal_on_the_coalesced_paths(string kernel)
    {
        var c = Cases[kernel];
        using var sim = new SimHarness();
        c.Run(sim);
        Assert.True(sim.Gpu.KernelStats.TryGetValue(kernel, out var stats), $"{kernel} did not run; ran: {string.Join(", ", sim.Gpu.KernelStats.Keys)}");
        double bytesPerElement = 32.0 * (stats.GlobalLoadSectors + stats.GlobalStoreSectors) / c.Elements;
        output.WriteLine($"{kernel}: load {stats.GlobalLoadSectorsPerRequest:F2} sectors/request (ideal {stats.GlobalLoadIdealSectorsPerRequest:F2}), " +
            $"store {stats.GlobalStoreSectorsPerRequest:F2} (ideal {stats.GlobalStoreIdealSectorsPerRequest:F2}), {bytesPerElement:F2} sector bytes/element");

        if (c.StoresIdeal) Assert.Equal(stats.GlobalStoreIdealSectors, stats.GlobalStoreSectors);
        switch (c.Loads)
        {
            case Loads.Ideal:
                Assert.Equal(stats.GlobalLoadIdealSectors, stats.GlobalLoadSectors);
                break;
            case Loads.AtMostIdeal:
                Assert.InRange(stats.GlobalLoadSectors, 1, stats.GlobalLoadIdealSectors);
                break;
        }
        Assert.Equal(0, stats.LocalLoadRequests + stats.LocalStoreRequests);
    }

    private static DeviceBuffer<float> Ones(SimHarness sim, long n) => sim.Upload(Enumerable.Repeat(1f, (int)n).ToArray());

    private static Tensor Ones(SimHarness sim, TensorShape shape) => sim.Upload(shape, Enumerable.Repeat(1f, (int)shape.Elements).ToArray());

    private static void BatchNormSplitForward(SimHarness s) =>
        new BatchNormKernels(s.Library).ForwardTraining(Ones(s, Split), Ones(s, Split.C), Ones(s, Split.C), Ones(s, Split.C), Ones(s, Split.C),
            new BatchNormParams(), s.Poisoned(Split), s.PoisonedBuffer(Split.C), s.PoisonedBuffer(Split.C),
            s.PoisonedBuffer(BatchNormKernels.WorkspaceElements(Split)));

    private static void BatchNormSplitBackward(SimHarness s) =>
        new BatchNormKernels(s.Library).Backward(Ones(s, Split), Ones(s, Split), Ones(s, Split.C), Ones(s, Split.C), Ones(s, Split.C),
            s.Poisoned(Split), Ones(s, Split.C), Ones(s, Split.C), s.PoisonedBuffer(BatchNormKernels.WorkspaceElements(Split)));

    private static void MaxBackward(SimHarness sim, Pool2dParams p)
    {
        var yShape = p.OutputShape(Image);
        using var argmax = new DeviceBuffer<int>(sim.Gpu, yShape.Elements);
        var kernels = new PoolingKernels(sim.Library);
        kernels.MaxForward(sim.Upload(Image, RandomData.Distinct((int)Image.Elements, seed: 160)), p, sim.Poisoned(yShape), argmax);
        kernels.MaxBackward(Ones(sim, yShape), argmax, p, sim.Poisoned(Image));
    }
}
