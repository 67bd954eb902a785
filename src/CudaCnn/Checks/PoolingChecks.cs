using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Checks;

/// <summary>kernels/pooling.cu against the reference: non-overlapping, overlapping (AlexNet 3x3 stride 2) and padded
/// ceil-mode geometries, odd sizes.</summary>
internal static class PoolingChecks
{
    private static readonly (TensorShape X, Pool2dParams P)[] Geometries =
    [
        (new TensorShape(2, 3, 8, 7), new Pool2dParams(2)),
        (new TensorShape(1, 3, 27, 27), new Pool2dParams(3, stride: 2)),
        (new TensorShape(2, 5, 9, 9), new Pool2dParams(3, 3, 2, 2, 1, 1, OutputRounding.Ceil, countIncludePad: false)),
    ];

    public static IEnumerable<KernelCheck> Cases()
    {
        foreach (var (x, p) in Geometries)
        {
            string shape = $"{x} k{p.KernelH} s{p.StrideH} p{p.PadH} {p.Rounding}";
            yield return new("pooling", "max_pool2d_forward", shape, c => MaxForward(c, x, p));
            yield return new("pooling", PoolingKernels.MaxBackwardScatters(p) ? "max_pool2d_backward_scatter" : "max_pool2d_backward_gather",
                shape, c => MaxBackward(c, x, p));
            yield return new("pooling", "avg_pool2d_forward", shape, c => AvgForward(c, x, p));
            yield return new("pooling", "avg_pool2d_backward", shape, c => AvgBackward(c, x, p));
        }
        foreach (var x in new[] { new TensorShape(2, 3, 5, 7), new TensorShape(1, 33, 7, 7) })
        {
            yield return new("pooling", "global_avg_pool_forward", x.ToString(), c => GlobalForward(c, x));
            yield return new("pooling", "global_avg_pool_backward", x.ToString(), c => GlobalBackward(c, x));
        }
    }

    private static ComparisonResult MaxForward(CheckContext c, TensorShape xShape, Pool2dParams p)
    {
        var (x, y, _, _) = RunMax(c, xShape, p);
        var yShape = p.OutputShape(xShape);
        var expected = new float[yShape.Elements];
        PoolingReference.MaxForward(x, xShape, p, expected, new int[yShape.Elements]);
        return TensorComparison.Compare("maxpool.y", expected, y.ToArray(), LayerTolerances.Exact, yShape);
    }

    private static ComparisonResult MaxBackward(CheckContext c, TensorShape xShape, Pool2dParams p)
    {
        var yShape = p.OutputShape(xShape);
        var (x, _, argmax, kernels) = RunMax(c, xShape, p);
        var dy = RandomData.Uniform(yShape.Elements, seed: 12);
        var dx = c.Poisoned(xShape);
        kernels.MaxBackward(c.Upload(yShape, dy), argmax, p, dx);
        var expectedArgmax = new int[yShape.Elements];
        PoolingReference.MaxForward(x, xShape, p, new float[yShape.Elements], expectedArgmax);
        var expected = new float[xShape.Elements];
        PoolingReference.MaxBackward(dy, expectedArgmax, p, expected, xShape);
        var tolerance = PoolingKernels.MaxBackwardScatters(p) ? LayerTolerances.Exact : LayerTolerances.OverlappingSum;
        return TensorComparison.Compare("maxpool.dx", expected, dx.ToArray(), tolerance, xShape);
    }

    /// <summary>Max pooling forward on distinct values (a unique argmax).</summary>
    private static (float[] X, Tensor Y, DeviceBuffer<int> Argmax, PoolingKernels Kernels) RunMax(CheckContext c, TensorShape xShape, Pool2dParams p)
    {
        var x = RandomData.Distinct((int)xShape.Elements, seed: 11, low: -3f, spacing: 0.01f);
        var yShape = p.OutputShape(xShape);
        var y = c.Poisoned(yShape);
        var argmax = c.Own(new DeviceBuffer<int>(c.Gpu, yShape.Elements));
        var kernels = new PoolingKernels(c.Library);
        kernels.MaxForward(c.Upload(xShape, x), p, y, argmax);
        return (x, y, argmax, kernels);
    }

    private static ComparisonResult AvgForward(CheckContext c, TensorShape xShape, Pool2dParams p)
    {
        var x = RandomData.Uniform(xShape.Elements, seed: 21);
        var yShape = p.OutputShape(xShape);
        var y = c.Poisoned(yShape);
        new PoolingKernels(c.Library).AvgForward(c.Upload(xShape, x), p, y);
        var expected = new float[yShape.Elements];
        PoolingReference.AvgForward(x, xShape, p, expected);
        return TensorComparison.Compare("avgpool.y", expected, y.ToArray(), LayerTolerances.Pointwise, yShape);
    }

    private static ComparisonResult AvgBackward(CheckContext c, TensorShape xShape, Pool2dParams p)
    {
        var yShape = p.OutputShape(xShape);
        var dy = RandomData.Uniform(yShape.Elements, seed: 22);
        var dx = c.Poisoned(xShape);
        new PoolingKernels(c.Library).AvgBackward(c.Upload(yShape, dy), p, dx);
        var expected = new float[xShape.Elements];
        PoolingReference.AvgBackward(dy, p, expected, xShape);
        return TensorComparison.Compare("avgpool.dx", expected, dx.ToArray(), LayerTolerances.Pointwise, xShape);
    }

    private static ComparisonResult GlobalForward(CheckContext c, TensorShape xShape)
    {
        var yShape = new TensorShape(xShape.N, xShape.C, 1, 1);
        var x = RandomData.Uniform(xShape.Elements, seed: 31);
        var y = c.Poisoned(yShape);
        new PoolingKernels(c.Library).GlobalAvgForward(c.Upload(xShape, x), y);
        var expected = new float[yShape.Elements];
        PoolingReference.GlobalAvgForward(x, xShape, expected);
        return TensorComparison.Compare("gap.y", expected, y.ToArray(), LayerTolerances.Pointwise, yShape);
    }

    private static ComparisonResult GlobalBackward(CheckContext c, TensorShape xShape)
    {
        var yShape = new TensorShape(xShape.N, xShape.C, 1, 1);
        var dy = RandomData.Uniform(yShape.Elements, seed: 32);
        var dx = c.Poisoned(xShape);
        new PoolingKernels(c.Library).GlobalAvgBackward(c.Upload(yShape, dy), dx);
        var expected = new float[xShape.Elements];
        PoolingReference.GlobalAvgBackward(dy, expected, xShape);
        return TensorComparison.Compare("gap.dx", expected, dx.ToArray(), LayerTolerances.Pointwise, xShape);
    }
}
