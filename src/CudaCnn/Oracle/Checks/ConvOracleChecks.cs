using CudaCnn.Benchmarking;
using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Oracle;

/// <summary>
/// Convolution in every direction, ours (KernelOps, algorithm Auto) against cuDNN (its fastest FMA algorithm) and
/// the reference, on the odd geometries every kernel is checked on and on the benchmark layers (batch 2); TF32
/// forward on the odd geometries only, whose short reductions keep the TF32 bound meaningful.
/// </summary>
internal static class ConvOracleChecks
{
    public const int BenchmarkBatch = 2;

    public static IEnumerable<OracleCheck> Cases()
    {
        var odd = ConvCases.All.Select(kv => (Layer: new ConvLayer("odd", kv.Key, kv.Value.X, kv.Value.W, kv.Value.P), Large: false));
        var benchmark = BenchShapes.AllDevice.Select(layer => (Layer: layer.WithBatch(BenchmarkBatch), Large: true));
        foreach (var (layer, large) in odd.Concat(benchmark))
        {
            string shape = $"{layer.FullName} x{layer.X} w{layer.Weight}";
            foreach (var direction in Enum.GetValues<ConvDirection>())
                yield return new("conv", $"{direction} FMA", shape, OracleLibrary.Cudnn, large, ctx => Run(ctx, layer, direction, OracleMath.Fma));
            yield return new("conv", "BackwardBias", shape, OracleLibrary.Cudnn, large, ctx => BackwardBias(ctx, layer));
            if (!large)
                yield return new("conv", "Forward TF32", shape, OracleLibrary.Cudnn, large, ctx => Run(ctx, layer, ConvDirection.Forward, OracleMath.Tf32));
        }
    }

    private static OracleOutcome Run(OracleContext ctx, ConvLayer layer, ConvDirection direction, OracleMath math)
    {
        using var conv = new CudnnConvolution(ctx.RequireCudnn, layer.X, layer.Weight, layer.Params, math);
        var algo = conv.Best(direction);
        var concrete = ConvAlgorithms.Resolve(ConvAlgorithm.Auto, direction, layer.X, layer.Weight, layer.Params);
        var comparison = direction switch
        {
            ConvDirection.Forward => Forward(ctx, layer, conv, algo, concrete),
            ConvDirection.BackwardData => BackwardData(ctx, layer, conv, algo, concrete),
            _ => BackwardFilter(ctx, layer, conv, algo),
        };
        return new OracleOutcome([comparison], $"{algo}; ours {concrete}");
    }

    private static Tolerance Theirs(CudnnConvolution conv, CudnnConvAlgo algo, long length) =>
        conv.Math == OracleMath.Tf32 ? OracleTolerances.Tf32Reduction(length) : OracleTolerances.CudnnConvolution(algo.Name, length);

    private static OracleComparison Forward(OracleContext ctx, ConvLayer layer, CudnnConvolution conv, CudnnConvAlgo algo, ConvAlgorithm concrete)
    {
        var x = RandomData.Uniform(layer.X.Elements, 41);
        var w = RandomData.Uniform(layer.Weight.Elements, 42);
        var bias = RandomData.Uniform(layer.Weight.N, 43);
        var expected = new float[conv.YShape.Elements];
        ConvolutionReference.Forward(x, layer.X, w, layer.Weight, bias, layer.Params, expected);

        var (xT, wT, bT) = (ctx.Upload(layer.X, x), ctx.Upload(layer.Weight, w), ctx.Upload(new TensorShape(layer.Weight.N), bias));
        var ours = ctx.Poisoned(conv.YShape);
        ctx.Ours.ConvForward(xT, wT, bT, layer.Params, ours);
        var theirs = ctx.Poisoned(conv.YShape);
        conv.Forward(xT, wT, bT, theirs, algo);
        long length = layer.ForwardLength + 1; // + the bias
        return OracleContext.Compare("y", expected, ours.ToArray(), ConvTolerances.For(concrete, length),
            theirs.ToArray(), Theirs(conv, algo, length), conv.YShape);
    }

    private static OracleComparison BackwardData(OracleContext ctx, ConvLayer layer, CudnnConvolution conv, CudnnConvAlgo algo, ConvAlgorithm concrete)
    {
        var dy = RandomData.Uniform(conv.YShape.Elements, 44);
        var w = RandomData.Uniform(layer.Weight.Elements, 45);
        var expected = new float[layer.X.Elements];
        ConvolutionReference.BackwardData(dy, w, layer.Weight, layer.Params, expected, layer.X);

        var (dyT, wT) = (ctx.Upload(conv.YShape, dy), ctx.Upload(layer.Weight, w));
        var ours = ctx.Poisoned(layer.X);
        ctx.Ours.ConvBackwardData(dyT, wT, layer.Params, ours);
        var theirs = ctx.Poisoned(layer.X);
        conv.BackwardData(dyT, wT, theirs, algo);
        long length = layer.BackwardDataLength;
        return OracleContext.Compare("dx", expected, ours.ToArray(), ConvTolerances.For(concrete, length),
            theirs.ToArray(), Theirs(conv, algo, length), layer.X);
    }

    /// <summary>dW accumulates in both (IOps' convention; cuDNN with beta = 1) onto the same prior values.</summary>
    private static OracleComparison BackwardFilter(OracleContext ctx, ConvLayer layer, CudnnConvolution conv, CudnnConvAlgo algo)
    {
        var x = RandomData.Uniform(layer.X.Elements, 46);
        var dy = RandomData.Uniform(conv.YShape.Elements, 47);
        var prior = RandomData.Uniform(layer.Weight.Elements, 48);
        var expected = (float[])prior.Clone();
        ConvolutionReference.BackwardFilter(x, layer.X, dy, layer.Params, expected, layer.Weight);

        var (xT, dyT) = (ctx.Upload(layer.X, x), ctx.Upload(conv.YShape, dy));
        var ours = ctx.Upload(layer.Weight, prior);
        ctx.Ours.ConvBackwardFilter(xT, dyT, layer.Params, ours);
        var theirs = ctx.Upload(layer.Weight, prior);
        conv.BackwardFilter(xT, dyT, theirs, algo, accumulate: true);
        long length = layer.BackwardFilterLength + 1; // + the prior value
        return OracleContext.Compare("dw", expected, ours.ToArray(), ConvTolerances.Reduction(length),
            theirs.ToArray(), Theirs(conv, algo, length), layer.Weight);
    }

    private static OracleOutcome BackwardBias(OracleContext ctx, ConvLayer layer)
    {
        using var conv = new CudnnConvolution(ctx.RequireCudnn, layer.X, layer.Weight, layer.Params);
        var dy = RandomData.Uniform(conv.YShape.Elements, 49);
        var prior = RandomData.Uniform(layer.Weight.N, 50);
        var expected = (float[])prior.Clone();
        ConvolutionReference.BackwardBias(dy, conv.YShape, expected);

        var dyT = ctx.Upload(conv.YShape, dy);
        var bias = new TensorShape(layer.Weight.N);
        var ours = ctx.Upload(bias, prior);
        ctx.Ours.ConvBackwardBias(dyT, ours);
        var theirs = ctx.Upload(bias, prior);
        conv.BackwardBias(dyT, theirs, accumulate: true);
        var tolerance = ConvTolerances.Reduction(layer.BackwardFilterLength + 1);
        return new OracleOutcome([OracleContext.Compare("db", expected, ours.ToArray(), tolerance, theirs.ToArray(), tolerance, bias)]);
    }
}
