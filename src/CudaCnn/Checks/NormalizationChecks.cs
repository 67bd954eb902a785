using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Checks;

/// <summary>kernels/batchnorm.cu and kernels/softmax.cu against the reference: batch norm training, inference and
/// backward on NCHW and [N, C] shapes, on one block per channel and split over blocks; softmax and cross-entropy on LeNet, odd and AlexNet class counts.</summary>
internal static class NormalizationChecks
{
    private static readonly BatchNormParams Bn = new(epsilon: 1e-5, momentum: 0.1);

    public static IEnumerable<KernelCheck> Cases()
    {
        // The last two are split over blocks per channel (BatchNormKernels.Chunks: 2 and 7).
        foreach (var dims in new[] { new[] { 2, 3, 5, 7 }, [1, 7, 13, 11], [16, 10], [5, 3, 41, 43], [3, 1, 97, 101] })
        {
            var x = new TensorShape(dims);
            yield return new("batchnorm", BnKernel("batchnorm_forward_training", x), x.ToString(), c => BatchNorm(c, x, BnOutput.TrainingY));
            yield return new("batchnorm", "batchnorm_forward_inference", x.ToString(), c => BatchNorm(c, x, BnOutput.InferenceY));
            yield return new("batchnorm", BnKernel("batchnorm_backward", x), x.ToString(), c => BatchNorm(c, x, BnOutput.Dx));
        }
        foreach (var (rows, classes) in new[] { (16, 10), (7, 33), (5, 1000) })
        {
            var x = new TensorShape(rows, classes);
            yield return new("softmax", "softmax_forward", x.ToString(), c => Softmax(c, x));
            yield return new("softmax", "softmax_cross_entropy_forward", x.ToString(), c => CrossEntropy(c, x, backward: false));
            yield return new("softmax", "softmax_cross_entropy_backward", x.ToString(), c => CrossEntropy(c, x, backward: true));
        }
    }

    /// <summary>The kernels a training forward or backward runs on <paramref name="x"/>: one, or the split pair.</summary>
    private static string BnKernel(string name, TensorShape x) => BatchNormKernels.Chunks(x) > 1 ? $"{name}_partials + _apply" : name;

    private enum BnOutput { TrainingY, InferenceY, Dx }

    /// <summary>Runs the training forward (and the inference forward or the backward) and compares one output.</summary>
    private static ComparisonResult BatchNorm(CheckContext c, TensorShape shape, BnOutput output)
    {
        var x = RandomData.Uniform(shape.Elements, seed: 80, low: -2f, high: 3f);
        var gamma = RandomData.Uniform(shape.C, seed: 81, low: 0.5f, high: 1.5f);
        var beta = RandomData.Uniform(shape.C, seed: 82);
        var dy = RandomData.Uniform(shape.Elements, seed: 83);
        var (rm, rv) = (RandomData.Uniform(shape.C, seed: 84), RandomData.Uniform(shape.C, seed: 85, low: 0.5f, high: 2f));
        var kernels = new BatchNormKernels(c.Library);
        var (xDevice, gammaDevice, betaDevice, rmDevice, rvDevice) = (c.Upload(shape, x), c.Upload(gamma), c.Upload(beta), c.Upload(rm), c.Upload(rv));
        var (y, saveMean, saveInvStd) = (c.Poisoned(shape), c.Poisoned(shape.C), c.Poisoned(shape.C));
        long workspaceElements = BatchNormKernels.WorkspaceElements(shape);
        var workspace = workspaceElements > 0 ? c.Poisoned(workspaceElements) : null;
        kernels.ForwardTraining(xDevice, gammaDevice, betaDevice, rmDevice, rvDevice, Bn, y, saveMean, saveInvStd, workspace);
        var (expectedMean, expectedInvStd, expected) = (new float[shape.C], new float[shape.C], new float[shape.Elements]);
        BatchNormReference.TrainingForward(x, shape, gamma, beta, Bn, expected, rm, rv, expectedMean, expectedInvStd);
        switch (output)
        {
            case BnOutput.TrainingY:
                return TensorComparison.Compare("bn.y", expected, y.ToArray(), LayerTolerances.Normalized, shape);
            case BnOutput.InferenceY:
                var yEval = c.Poisoned(shape);
                kernels.ForwardInference(xDevice, gammaDevice, betaDevice, rmDevice, rvDevice, Bn, yEval);
                BatchNormReference.EvalForward(x, shape, gamma, beta, rm, rv, Bn, expected);
                return TensorComparison.Compare("bn.y (inference)", expected, yEval.ToArray(), LayerTolerances.Normalized, shape);
            default:
                var dx = c.Poisoned(shape);
                kernels.Backward(c.Upload(shape, dy), xDevice, gammaDevice, saveMean, saveInvStd, dx, c.Upload(new float[shape.C]), c.Upload(new float[shape.C]), workspace);
                BatchNormReference.Backward(x, dy, shape, gamma, expectedMean, expectedInvStd, expected, new float[shape.C], new float[shape.C]);
                return TensorComparison.Compare("bn.dx", expected, dx.ToArray(), LayerTolerances.Normalized, shape);
        }
    }

    private static ComparisonResult Softmax(CheckContext c, TensorShape shape)
    {
        var x = RandomData.Uniform(shape.Elements, seed: 100, low: -8f, high: 8f);
        var y = c.Poisoned(shape);
        new SoftmaxKernels(c.Library).Forward(c.Upload(shape, x), y);
        var expected = new float[shape.Elements];
        SoftmaxReference.Forward(x, shape, expected);
        return TensorComparison.Compare("softmax.y", expected, y.ToArray(), LayerTolerances.Pointwise, shape);
    }

    /// <summary>The loss (forward) or dlogits (backward, dLoss = 0.5); logits spread over [-50, 50] to need the max.</summary>
    private static ComparisonResult CrossEntropy(CheckContext c, TensorShape shape, bool backward)
    {
        var logits = RandomData.Uniform(shape.Elements, seed: 100, low: -50f, high: 50f);
        var labels = RandomData.Integers(shape.N, shape.C, seed: 101);
        var kernels = new SoftmaxKernels(c.Library);
        var (labelsDevice, probs, loss) = (c.Upload(labels), c.Poisoned(shape), c.Poisoned(1));
        kernels.CrossEntropyForward(c.Upload(shape, logits), labelsDevice, probs, c.Poisoned(shape.N), loss);
        if (!backward)
            return TensorComparison.Compare("ce.loss", [SoftmaxReference.CrossEntropyForward(logits, shape, labels)], loss.ToArray(), LayerTolerances.Loss);
        var grad = c.Poisoned(shape);
        kernels.CrossEntropyBackward(probs, labelsDevice, grad, lossGradient: 0.5f);
        var expected = new float[shape.Elements];
        SoftmaxReference.CrossEntropyBackward(logits, shape, labels, expected, dLoss: 0.5f);
        return TensorComparison.Compare("ce.dlogits", expected, grad.ToArray(), LayerTolerances.Pointwise, shape);
    }
}
