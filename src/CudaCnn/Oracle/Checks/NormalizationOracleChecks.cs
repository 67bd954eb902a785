using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Oracle;

/// <summary>Batch norm (training forward with running statistics, backward), softmax, the softmax cross-entropy
/// gradient (cuDNN: log-softmax backward with dy = -onehot / N) and dropout statistics.</summary>
internal static class NormalizationOracleChecks
{
    public static IEnumerable<OracleCheck> Cases()
    {
        foreach (var x in new TensorShape[] { new(3, 5, 7, 9), new(2, 64, 56, 56), new(2, 256, 14, 14) })
            yield return new("batchnorm", "training forward+backward", $"x{x}", OracleLibrary.Cudnn, false, ctx => BatchNorm(ctx, x));
        foreach (var x in new TensorShape[] { new(3, 10), new(2, 1000) })
        {
            yield return new("softmax", "forward+backward", $"x{x}", OracleLibrary.Cudnn, false, ctx => Softmax(ctx, x));
            yield return new("softmax", "cross-entropy backward", $"logits{x}", OracleLibrary.Cudnn, false, ctx => CrossEntropy(ctx, x));
        }
        yield return new("dropout", "p=0.5 statistics", "x[2,4096]", OracleLibrary.Cudnn, false, ctx => Dropout(ctx, new(2, 4096), 0.5f));
        yield return new("dropout", "p=0.3 statistics", "x[3,5,7,9]", OracleLibrary.Cudnn, false, ctx => Dropout(ctx, new(3, 5, 7, 9), 0.3f));
    }

    private static OracleOutcome BatchNorm(OracleContext ctx, TensorShape shape, BatchNormParams? p = null)
    {
        p ??= new BatchNormParams();
        var layers = ctx.RequireLayers;
        int c = shape.C;
        var channels = new TensorShape(c);
        var (x, dy) = (RandomData.Uniform(shape.Elements, 71), RandomData.Uniform(shape.Elements, 72));
        var (gamma, beta) = (RandomData.Uniform(c, 73), RandomData.Uniform(c, 74));
        var (mean0, var0) = (RandomData.Uniform(c, 75), RandomData.Uniform(c, 76, 0.5f, 1.5f));
        var (dGamma0, dBeta0) = (RandomData.Uniform(c, 77), RandomData.Uniform(c, 78));

        var (y, mean, variance, saveMean, saveInvStd) = (new float[x.Length], (float[])mean0.Clone(), (float[])var0.Clone(), new float[c], new float[c]);
        BatchNormReference.TrainingForward(x, shape, gamma, beta, p, y, mean, variance, saveMean, saveInvStd);
        var (dx, dGamma, dBeta) = (new float[x.Length], (float[])dGamma0.Clone(), (float[])dBeta0.Clone());
        BatchNormReference.Backward(x, dy, shape, gamma, saveMean, saveInvStd, dx, dGamma, dBeta);

        var (xT, dyT, gT, bT) = (ctx.Upload(shape, x), ctx.Upload(shape, dy), ctx.Upload(channels, gamma), ctx.Upload(channels, beta));
        Tensor[] Side() => [ctx.Upload(channels, mean0), ctx.Upload(channels, var0), ctx.Poisoned(channels), ctx.Poisoned(channels),
            ctx.Poisoned(shape), ctx.Poisoned(shape), ctx.Upload(channels, dGamma0), ctx.Upload(channels, dBeta0)];
        var o = Side(); // running mean, running var, save mean, save invStd, y, dx, dGamma, dBeta
        ctx.Ours.BatchNormTrainingForward(xT, gT, bT, o[0], o[1], p, o[4], o[2], o[3]);
        ctx.Ours.BatchNormBackward(dyT, xT, gT, o[2], o[3], o[5], o[6], o[7]);
        var t = Side();
        layers.BatchNormTrainingForward(xT, gT, bT, t[0], t[1], p, t[4], t[2], t[3]);
        layers.BatchNormBackward(dyT, xT, gT, t[2], t[3], p, t[5], t[6], t[7]);

        long count = (long)shape.N * shape.H * shape.W;
        var theirs = OracleTolerances.CudnnChannelReduction(count);
        var sums = OracleTolerances.Max(ConvTolerances.Reduction(count + 1), LayerTolerances.ChannelSums);
        OracleComparison Cmp(string name, float[] expected, int i, Tolerance ours, Tolerance lib) =>
            OracleContext.Compare(name, expected, o[i].ToArray(), ours, t[i].ToArray(), lib, o[i].Shape);
        return new OracleOutcome(
        [
            Cmp("y", y, 4, LayerTolerances.Normalized, theirs),
            Cmp("running mean", mean, 0, LayerTolerances.Normalized, theirs),
            Cmp("running var", variance, 1, LayerTolerances.Normalized, theirs),
            Cmp("save mean", saveMean, 2, LayerTolerances.Normalized, theirs),
            Cmp("save invStd", saveInvStd, 3, LayerTolerances.Normalized, theirs),
            Cmp("dx", dx, 5, LayerTolerances.Normalized, theirs),
            Cmp("dGamma", dGamma, 6, LayerTolerances.ChannelSums, sums),
            Cmp("dBeta", dBeta, 7, LayerTolerances.ChannelSums, sums),
        ]);
    }

    /// <summary>Our softmax forward kernel against cuDNN's; the backward (no standalone kernel of ours) is cuDNN's
    /// against the reference only.</summary>
    private static OracleOutcome Softmax(OracleContext ctx, TensorShape shape)
    {
        var layers = ctx.RequireLayers;
        var x = RandomData.Uniform(shape.Elements, 81, -8f, 8f);
        var dy = RandomData.Uniform(shape.Elements, 82);
        var (y, dx) = (new float[x.Length], new float[x.Length]);
        SoftmaxReference.Forward(x, shape, y);
        SoftmaxReference.Backward(y, dy, shape, dx);

        var (xT, dyT) = (ctx.Upload(shape, x), ctx.Upload(shape, dy));
        var ours = ctx.Poisoned(shape);
        new SoftmaxKernels(ctx.Library).Forward(xT, ours);
        var (theirsY, theirsDx) = (ctx.Poisoned(shape), ctx.Poisoned(shape));
        layers.SoftmaxForward(xT, theirsY);
        layers.SoftmaxBackward(theirsY, dyT, theirsDx);
        var t = LayerTolerances.Pointwise;
        return new OracleOutcome(
        [
            OracleContext.Compare("y", y, ours.ToArray(), t, theirsY.ToArray(), t, shape),
            OracleContext.Compare("dx", dx, null, t, theirsDx.ToArray(), t, shape),
        ]);
    }

    /// <summary>d(mean cross-entropy)/d(logits) = (softmax - onehot) / N, which is log-softmax's backward for
    /// dy = -onehot / N.</summary>
    private static OracleOutcome CrossEntropy(OracleContext ctx, TensorShape shape)
    {
        var layers = ctx.RequireLayers;
        var logits = RandomData.Uniform(shape.Elements, 83, -8f, 8f);
        var labels = RandomData.Integers(shape.N, shape.C, 84);
        var expected = new float[logits.Length];
        SoftmaxReference.CrossEntropyBackward(logits, shape, labels, expected);
        var dy = new float[logits.Length];
        for (int n = 0; n < shape.N; n++) dy[(long)n * shape.C + labels[n]] = -1f / shape.N;

        var (logitsT, labelsT) = (ctx.Upload(shape, logits), ctx.Upload(labels));
        var (probs, loss, ours) = (ctx.Poisoned(shape), ctx.Own(new DeviceBuffer<float>(ctx.Gpu, 1)), ctx.Poisoned(shape));
        ctx.Ours.CrossEntropyForward(logitsT, labelsT, probs, loss);
        ctx.Ours.CrossEntropyBackward(logitsT, probs, labelsT, ours);
        var (logProbs, theirs) = (ctx.Poisoned(shape), ctx.Poisoned(shape));
        layers.SoftmaxForward(logitsT, logProbs, log: true);
        layers.SoftmaxBackward(logProbs, ctx.Upload(shape, dy), theirs, log: true);
        var t = LayerTolerances.Pointwise;
        return new OracleOutcome([OracleContext.Compare("dlogits", expected, ours.ToArray(), t, theirs.ToArray(), t, shape)]);
    }

    /// <summary>cuDNN's generator is not ours: ours must match the reference mask exactly; cuDNN's dropped fraction
    /// must be within 5 sigma of p, its kept values x / (1 - p), and its backward must reuse the forward's mask.</summary>
    private static OracleOutcome Dropout(OracleContext ctx, TensorShape shape, float probability)
    {
        var p = new DropoutParams(probability, seed: 91);
        var x = RandomData.Uniform(shape.Elements, 92, 0.5f, 1.5f); // never 0, so a 0 output means dropped
        var dy = RandomData.Uniform(shape.Elements, 93, 0.5f, 1.5f);
        var (y, dx) = (new float[x.Length], new float[x.Length]);
        DropoutReference.Forward(x, y, p, training: true);
        DropoutReference.Backward(dy, dx, p, training: true);

        var (xT, dyT) = (ctx.Upload(shape, x), ctx.Upload(shape, dy));
        var (oursY, oursDx) = (ctx.Poisoned(shape), ctx.Poisoned(shape));
        ctx.Ours.DropoutForward(xT, p, training: true, oursY);
        ctx.Ours.DropoutBackward(dyT, p, training: true, oursDx);
        using var dropout = new CudnnDropout(ctx.RequireCudnn, shape, p);
        var (theirsY, theirsDx) = (ctx.Poisoned(shape), ctx.Poisoned(shape));
        dropout.Forward(xT, theirsY);
        dropout.Backward(dyT, theirsDx);
        var (oy, od, ty, td) = (oursY.ToArray(), oursDx.ToArray(), theirsY.ToArray(), theirsDx.ToArray());

        // What cuDNN's outputs must be given the mask it chose (read off its y).
        var (theirsExpectedY, theirsExpectedDx) = (new float[x.Length], new float[x.Length]);
        for (long i = 0; i < x.Length; i++)
        {
            bool kept = ty[i] != 0;
            theirsExpectedY[i] = kept ? x[i] * p.Scale : 0f;
            theirsExpectedDx[i] = kept ? dy[i] * p.Scale : 0f;
        }
        var fraction = OracleTolerances.DropFraction(p.P, x.Length);
        var exact = LayerTolerances.Exact;
        var t = LayerTolerances.Pointwise;
        return new OracleOutcome(
        [
            OracleContext.Compare("dropped fraction", [p.P], [Dropped(oy)], fraction, [Dropped(ty)], fraction),
            new("y", TensorComparison.Compare("y ours", y, oy, exact, shape), TensorComparison.Compare("y library (its mask)", theirsExpectedY, ty, t, shape), null),
            new("dx", TensorComparison.Compare("dx ours", dx, od, exact, shape), TensorComparison.Compare("dx library (forward's mask)", theirsExpectedDx, td, t, shape), null),
        ]);
    }

    private static float Dropped(float[] y) => (float)y.Count(v => v == 0) / y.Length;
}
