using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

public class PoolingKernelsTests
{
    public static TheoryData<int, int, int, int, int, int, int, OutputRounding> Geometries => new()
    {
        // n, c, h, w, kernel, stride, padding, rounding
        { 1, 1, 4, 4, 2, 2, 0, OutputRounding.Floor },
        { 2, 3, 7, 5, 2, 2, 0, OutputRounding.Ceil },     // odd sizes, partial last window
        { 1, 5, 9, 9, 3, 2, 1, OutputRounding.Floor },    // overlapping, padded
        { 2, 3, 8, 7, 3, 3, 1, OutputRounding.Ceil },     // stride == kernel with padding
        { 1, 2, 11, 11, 3, 2, 0, OutputRounding.Ceil },   // overlapping, ceil
        { 1, 2, 6, 6, 2, 3, 0, OutputRounding.Floor },    // stride > kernel: gaps
        { 1, 3, 55, 55, 3, 2, 0, OutputRounding.Floor },  // AlexNet pool1 geometry (3 channels)
        { 1, 4, 27, 27, 3, 2, 0, OutputRounding.Floor },  // AlexNet pool2 geometry (4 channels)
    };

    [NvrtcTheory]
    [MemberData(nameof(Geometries))]
    public void Max_pooling_matches_the_reference_forward_and_backward(int n, int c, int h, int w, int k, int s, int pad, OutputRounding rounding)
    {
        var p = new Pool2dParams(k, s, pad, rounding);
        var xShape = new TensorShape(n, c, h, w);
        var yShape = p.OutputShape(xShape);
        // Distinct values make argmax unique, so the backward is exact too.
        var x = RandomData.Distinct((int)xShape.Elements, seed: 11, low: -3f, spacing: 0.01f);
        var dy = RandomData.Uniform(yShape.Elements, seed: 12);
        var expectedY = new float[yShape.Elements];
        var expectedArgmax = new int[yShape.Elements];
        PoolingReference.MaxForward(x, xShape, p, expectedY, expectedArgmax);
        var expectedDx = new float[xShape.Elements];
        PoolingReference.MaxBackward(dy, expectedArgmax, p, expectedDx, xShape);

        using var sim = new SimHarness();
        var kernels = new PoolingKernels(sim.Library);
        var y = sim.Poisoned(yShape);
        using var argmax = new DeviceBuffer<int>(sim.Gpu, yShape.Elements);
        kernels.MaxForward(sim.Upload(xShape, x), p, y, argmax);
        SimHarness.AssertClose("y", expectedY, y.ToArray(), LayerTolerances.Exact, yShape);
        Assert.Equal(expectedArgmax, argmax.ToArray());

        var dx = sim.Poisoned(xShape);
        kernels.MaxBackward(sim.Upload(yShape, dy), argmax, p, dx);
        SimHarness.AssertClose("dx", expectedDx, dx.ToArray(), PoolingKernels.MaxBackwardScatters(p) ? LayerTolerances.Exact : LayerTolerances.OverlappingSum, xShape);
    }

    [NvrtcTheory]
    [MemberData(nameof(Geometries))]
    public void Average_pooling_matches_the_reference_with_and_without_padding_counted(int n, int c, int h, int w, int k, int s, int pad, OutputRounding rounding)
    {
        var xShape = new TensorShape(n, c, h, w);
        var x = RandomData.Uniform(xShape.Elements, seed: 21);
        using var sim = new SimHarness();
        var kernels = new PoolingKernels(sim.Library);
        var xDevice = sim.Upload(xShape, x);
        foreach (bool countPad in new[] { true, false })
        {
            var p = new Pool2dParams(k, k, s, s, pad, pad, rounding, countPad);
            var yShape = p.OutputShape(xShape);
            var dy = RandomData.Uniform(yShape.Elements, seed: 22);
            var expectedY = new float[yShape.Elements];
            PoolingReference.AvgForward(x, xShape, p, expectedY);
            var expectedDx = new float[xShape.Elements];
            PoolingReference.AvgBackward(dy, p, expectedDx, xShape);

            var y = sim.Poisoned(yShape);
            kernels.AvgForward(xDevice, p, y);
            SimHarness.AssertClose($"y (count pad {countPad})", expectedY, y.ToArray(), LayerTolerances.Pointwise, yShape);
            var dx = sim.Poisoned(xShape);
            kernels.AvgBackward(sim.Upload(yShape, dy), p, dx);
            SimHarness.AssertClose($"dx (count pad {countPad})", expectedDx, dx.ToArray(), LayerTolerances.Pointwise, xShape);
        }
    }

    [NvrtcTheory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 3, 5, 7)]
    [InlineData(1, 7, 13, 13)]
    [InlineData(3, 5, 6, 6)]
    [InlineData(2, 33, 7, 7)]
    public void Global_average_pooling_matches_the_reference(int n, int c, int h, int w)
    {
        var xShape = new TensorShape(n, c, h, w);
        var yShape = new TensorShape(n, c, 1, 1);
        var x = RandomData.Uniform(xShape.Elements, seed: 31);
        var dy = RandomData.Uniform(yShape.Elements, seed: 32);
        var expectedY = new float[yShape.Elements];
        PoolingReference.GlobalAvgForward(x, xShape, expectedY);
        var expectedDx = new float[xShape.Elements];
        PoolingReference.GlobalAvgBackward(dy, expectedDx, xShape);

        using var sim = new SimHarness();
        var kernels = new PoolingKernels(sim.Library);
        var y = sim.Poisoned(yShape);
        kernels.GlobalAvgForward(sim.Upload(xShape, x), y);
        SimHarness.AssertClose("y", expectedY, y.ToArray(), LayerTolerances.Pointwise, yShape);
        var dx = sim.Poisoned(xShape);
        kernels.GlobalAvgBackward(sim.Upload(yShape, dy), dx);
        SimHarness.AssertClose("dx", expectedDx, dx.ToArray(), LayerTolerances.Pointwise, xShape);
    }
}
