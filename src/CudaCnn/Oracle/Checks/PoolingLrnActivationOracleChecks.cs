using CudaCnn.Checks;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Oracle;

/// <summary>Pooling, LRN and activations forward and backward: ours against cuDNN and the reference, on an odd shape
/// and the benchmark models' layer shapes (batch 2).</summary>
internal static class PoolingLrnActivationOracleChecks
{
    public static IEnumerable<OracleCheck> Cases()
    {
        (TensorShape X, Pool2dParams P, string Name)[] maxPools =
        [
            (new(3, 5, 13, 11), new(3, stride: 2), "odd 3x3 s2"),
            (new(2, 96, 55, 55), new(3, stride: 2), "alexnet.pool1"),
            (new(2, 64, 112, 112), new(3, stride: 2, padding: 1), "resnet50.maxpool"),
            (new(2, 64, 224, 224), new(2), "vgg.pool1"),
        ];
        foreach (var (x, p, name) in maxPools)
            yield return new("pooling", "max forward+backward", $"{name} x{x}", OracleLibrary.Cudnn, false, ctx => MaxPool(ctx, x, p));

        (TensorShape X, Pool2dParams P, string Name)[] avgPools =
        [
            (new(3, 5, 13, 11), new(3, stride: 2, padding: 1, countIncludePad: true), "odd 3x3 s2 p1 include-pad"),
            (new(3, 5, 13, 11), new(3, stride: 2, padding: 1, countIncludePad: false), "odd 3x3 s2 p1 exclude-pad"),
            (new(2, 64, 56, 56), new(2), "2x2 s2"),
        ];
        foreach (var (x, p, name) in avgPools)
            yield return new("pooling", "average forward+backward", $"{name} x{x}", OracleLibrary.Cudnn, false, ctx => AvgPool(ctx, x, p));

        (TensorShape X, LrnParams P, string Name)[] lrns =
        [
            (new(3, 7, 5, 6), new(size: 5), "odd n=5"),
            (new(3, 7, 5, 6), new(size: 4, alpha: 1e-3, beta: 0.5, k: 1), "odd n=4"),
            (new(2, 96, 55, 55), new(), "alexnet.lrn1"),
            (new(2, 256, 27, 27), new(), "alexnet.lrn2"),
        ];
        foreach (var (x, p, name) in lrns)
            yield return new("lrn", "forward+backward", $"{name} x{x}", OracleLibrary.Cudnn, false, ctx => Lrn(ctx, x, p));

        foreach (var a in new[] { ActivationParams.ReLU, ActivationParams.Tanh, ActivationParams.Sigmoid, new ActivationParams(ActivationKind.ELU) })
            foreach (var x in new TensorShape[] { new(3, 5, 7, 9), new(2, 96, 55, 55) })
                yield return new("activation", $"{a.Kind} forward+backward", $"x{x}", OracleLibrary.Cudnn, false, ctx => Activation(ctx, x, a));
    }

    private static float[] Values(OracleContext ctx, float[] tensor, out Tensor uploaded, TensorShape shape)
    {
        uploaded = ctx.Upload(shape, tensor);
        return tensor;
    }

    /// <summary>Distinct inputs, so that no window has a tie and every implementation picks the same winner.</summary>
    private static OracleOutcome MaxPool(OracleContext ctx, TensorShape xShape, Pool2dParams p)
    {
        var layers = ctx.RequireLayers;
        var yShape = p.OutputShape(xShape);
        var x = Values(ctx, RandomData.Distinct((int)xShape.Elements, 61, -1f, 2f / xShape.Elements), out var xT, xShape);
        var dy = Values(ctx, RandomData.Uniform(yShape.Elements, 62), out var dyT, yShape);
        var (y, argmax, dx) = (new float[yShape.Elements], new int[yShape.Elements], new float[xShape.Elements]);
        PoolingReference.MaxForward(x, xShape, p, y, argmax);
        PoolingReference.MaxBackward(dy, argmax, p, dx, xShape);

        var (oursY, oursArgmax, oursDx) = (ctx.Poisoned(yShape), ctx.Own(new DeviceBuffer<int>(ctx.Gpu, yShape.Elements)), ctx.Poisoned(xShape));
        ctx.Ours.MaxPoolForward(xT, p, oursY, oursArgmax);
        ctx.Ours.MaxPoolBackward(dyT, oursArgmax, p, oursDx);
        var (theirsY, theirsDx) = (ctx.Poisoned(yShape), ctx.Poisoned(xShape));
        layers.PoolingForward(xT, p, PoolingKind.Max, theirsY);
        layers.PoolingBackward(theirsY, dyT, xT, p, PoolingKind.Max, theirsDx);
        return new OracleOutcome(
        [
            OracleContext.Compare("y", y, oursY.ToArray(), LayerTolerances.Exact, theirsY.ToArray(), LayerTolerances.Exact, yShape),
            OracleContext.Compare("dx", dx, oursDx.ToArray(), LayerTolerances.OverlappingSum, theirsDx.ToArray(), LayerTolerances.OverlappingSum, xShape),
        ]);
    }

    private static OracleOutcome AvgPool(OracleContext ctx, TensorShape xShape, Pool2dParams p)
    {
        var layers = ctx.RequireLayers;
        var yShape = p.OutputShape(xShape);
        var x = Values(ctx, RandomData.Uniform(xShape.Elements, 63), out var xT, xShape);
        var dy = Values(ctx, RandomData.Uniform(yShape.Elements, 64), out var dyT, yShape);
        var (y, dx) = (new float[yShape.Elements], new float[xShape.Elements]);
        PoolingReference.AvgForward(x, xShape, p, y);
        PoolingReference.AvgBackward(dy, p, dx, xShape);

        var (oursY, oursDx) = (ctx.Poisoned(yShape), ctx.Poisoned(xShape));
        ctx.Ours.AvgPoolForward(xT, p, oursY);
        ctx.Ours.AvgPoolBackward(dyT, p, oursDx);
        var (theirsY, theirsDx) = (ctx.Poisoned(yShape), ctx.Poisoned(xShape));
        layers.PoolingForward(xT, p, PoolingKind.Average, theirsY);
        layers.PoolingBackward(theirsY, dyT, xT, p, PoolingKind.Average, theirsDx);
        var t = LayerTolerances.Pointwise;
        return new OracleOutcome(
        [
            OracleContext.Compare("y", y, oursY.ToArray(), t, theirsY.ToArray(), t, yShape),
            OracleContext.Compare("dx", dx, oursDx.ToArray(), t, theirsDx.ToArray(), t, xShape),
        ]);
    }

    private static OracleOutcome Lrn(OracleContext ctx, TensorShape shape, LrnParams p)
    {
        var layers = ctx.RequireLayers;
        var x = Values(ctx, RandomData.Uniform(shape.Elements, 65), out var xT, shape);
        var dy = Values(ctx, RandomData.Uniform(shape.Elements, 66), out var dyT, shape);
        var (y, dx) = (new float[shape.Elements], new float[shape.Elements]);
        LrnReference.Forward(x, shape, p, y);
        LrnReference.Backward(x, dy, shape, p, dx);

        var (oursY, scale, oursDx) = (ctx.Poisoned(shape), ctx.Poisoned(shape), ctx.Poisoned(shape));
        ctx.Ours.LrnForward(xT, p, oursY, scale);
        ctx.Ours.LrnBackward(dyT, xT, oursY, scale, p, oursDx);
        var (theirsY, theirsDx) = (ctx.Poisoned(shape), ctx.Poisoned(shape));
        layers.LrnForward(xT, p, theirsY);
        layers.LrnBackward(theirsY, dyT, xT, p, theirsDx);
        return new OracleOutcome(
        [
            OracleContext.Compare("y", y, oursY.ToArray(), LayerTolerances.Pointwise, theirsY.ToArray(), LayerTolerances.Pointwise, shape),
            OracleContext.Compare("dx", dx, oursDx.ToArray(), LayerTolerances.LrnBackward, theirsDx.ToArray(), LayerTolerances.LrnBackward, shape),
        ]);
    }

    private static OracleOutcome Activation(OracleContext ctx, TensorShape shape, ActivationParams a)
    {
        var layers = ctx.RequireLayers;
        var x = Values(ctx, RandomData.Uniform(shape.Elements, 67, -4f, 4f), out var xT, shape);
        var dy = Values(ctx, RandomData.Uniform(shape.Elements, 68), out var dyT, shape);
        var (y, dx) = (new float[shape.Elements], new float[shape.Elements]);
        ActivationReference.Forward(x, y, a);
        ActivationReference.Backward(x, dy, dx, a);

        var (oursY, oursDx) = (ctx.Poisoned(shape), ctx.Poisoned(shape));
        ctx.Ours.ActivationForward(xT, a, oursY);
        ctx.Ours.ActivationBackward(dyT, xT, a, oursDx);
        var (theirsY, theirsDx) = (ctx.Poisoned(shape), ctx.Poisoned(shape));
        layers.ActivationForward(xT, a, theirsY);
        layers.ActivationBackward(theirsY, dyT, xT, a, theirsDx);
        var t = LayerTolerances.Pointwise;
        return new OracleOutcome(
        [
            OracleContext.Compare("y", y, oursY.ToArray(), t, theirsY.ToArray(), t, shape),
            OracleContext.Compare("dx", dx, oursDx.ToArray(), t, theirsDx.ToArray(), t, shape),
        ]);
    }
}
