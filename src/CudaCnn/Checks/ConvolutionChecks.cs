using CudaCnn.Kernels;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Checks;

/// <summary>Every convolution algorithm that supports a geometry (Auto included), in every direction, against
/// ConvolutionReference on the geometries of <see cref="ConvCases"/>; plus the bias gradient.</summary>
internal static class ConvolutionChecks
{
    public static IEnumerable<KernelCheck> Cases()
    {
        foreach (var direction in Enum.GetValues<ConvDirection>())
            foreach (var (name, c) in ConvCases.All)
                foreach (var algorithm in Enum.GetValues<ConvAlgorithm>())
                    if (ConvAlgorithms.WhyUnsupported(algorithm, direction, c.W, c.P) is null)
                        yield return new("conv", $"{algorithm} {direction}", $"{name} x{c.X} w{c.W}", ctx => Run(ctx, direction, algorithm, c));
        var dyShape = new TensorShape(3, 5, 7, 9);
        yield return new("conv", "conv_bias_backward", dyShape.ToString(), ctx => BackwardBias(ctx, dyShape));
    }

    private static ComparisonResult Run(CheckContext ctx, ConvDirection direction, ConvAlgorithm algorithm, ConvCases.Case c)
    {
        var conv = new ConvolutionKernels(ctx.Library);
        long workspaceElements = ConvAlgorithms.WorkspaceElements(direction, algorithm, c.X, c.W, c.P);
        var workspace = workspaceElements == 0 ? null : ctx.Own(new DeviceBuffer<float>(ctx.Gpu, workspaceElements));
        var concrete = ConvAlgorithms.Resolve(algorithm, direction, c.X, c.W, c.P);
        return direction switch
        {
            ConvDirection.Forward => Forward(ctx, conv, algorithm, concrete, c, workspace),
            ConvDirection.BackwardData => BackwardData(ctx, conv, algorithm, concrete, c, workspace),
            _ => BackwardFilter(ctx, conv, algorithm, c, workspace),
        };
    }

    private static ComparisonResult Forward(CheckContext ctx, ConvolutionKernels conv, ConvAlgorithm algorithm,
        ConvAlgorithm concrete, ConvCases.Case c, DeviceBuffer<float>? workspace)
    {
        var x = RandomData.Uniform(c.X.Elements, 21);
        var w = RandomData.Uniform(c.W.Elements, 22);
        var bias = RandomData.Uniform(c.W.N, 23);
        var yShape = c.P.OutputShape(c.X, c.W);
        var expected = new float[yShape.Elements];
        ConvolutionReference.Forward(x, c.X, w, c.W, bias, c.P, expected);

        var y = ctx.Poisoned(yShape);
        conv.Forward(ctx.Upload(c.X, x), ctx.Upload(c.W, w), ctx.Upload(new TensorShape(c.W.N), bias), y, c.P, algorithm, workspace);
        long reduction = c.W.C * c.W.H * c.W.W + 1;
        return TensorComparison.Compare($"conv {concrete} y", expected, y.ToArray(), ConvTolerances.For(concrete, reduction), yShape);
    }

    private static ComparisonResult BackwardData(CheckContext ctx, ConvolutionKernels conv, ConvAlgorithm algorithm,
        ConvAlgorithm concrete, ConvCases.Case c, DeviceBuffer<float>? workspace)
    {
        var yShape = c.P.OutputShape(c.X, c.W);
        var dy = RandomData.Uniform(yShape.Elements, 24);
        var w = RandomData.Uniform(c.W.Elements, 25);
        var expected = new float[c.X.Elements];
        ConvolutionReference.BackwardData(dy, w, c.W, c.P, expected, c.X);

        // dx starts as NaN: backward data writes (=) every element.
        var dx = ctx.Poisoned(c.X);
        conv.BackwardData(ctx.Upload(yShape, dy), ctx.Upload(c.W, w), dx, c.P, algorithm, workspace);
        long reduction = c.W.N / c.P.Groups * c.W.H * c.W.W;
        return TensorComparison.Compare($"conv {concrete} dx", expected, dx.ToArray(), ConvTolerances.For(concrete, reduction), c.X);
    }

    private static ComparisonResult BackwardFilter(CheckContext ctx, ConvolutionKernels conv, ConvAlgorithm algorithm,
        ConvCases.Case c, DeviceBuffer<float>? workspace)
    {
        var yShape = c.P.OutputShape(c.X, c.W);
        var x = RandomData.Uniform(c.X.Elements, 27);
        var dy = RandomData.Uniform(yShape.Elements, 28);
        var prior = RandomData.Uniform(c.W.Elements, 29);
        var expected = (float[])prior.Clone();
        ConvolutionReference.BackwardFilter(x, c.X, dy, c.P, expected, c.W);

        // dw starts with prior values: backward filter accumulates (+=).
        var dw = ctx.Upload(c.W, prior);
        conv.BackwardFilter(ctx.Upload(c.X, x), ctx.Upload(yShape, dy), dw, c.P, algorithm, workspace);
        long reduction = (long)yShape.N * yShape.H * yShape.W + 1;
        return TensorComparison.Compare($"conv {algorithm} dw", expected, dw.ToArray(), ConvTolerances.Reduction(reduction), c.W);
    }

    private static ComparisonResult BackwardBias(CheckContext ctx, TensorShape shape)
    {
        var dy = RandomData.Uniform(shape.Elements, 30);
        var prior = RandomData.Uniform(shape.C, 31);
        var expected = (float[])prior.Clone();
        ConvolutionReference.BackwardBias(dy, shape, expected);
        var db = ctx.Upload(new TensorShape(shape.C), prior);
        new ConvolutionKernels(ctx.Library).BackwardBias(ctx.Upload(shape, dy), db);
        return TensorComparison.Compare("conv db", expected, db.ToArray(), ConvTolerances.Reduction(shape.N * shape.H * shape.W + 1));
    }
}
