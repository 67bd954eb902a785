using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Reference;

public class BatchNormReferenceTests
{
    [Fact]
    public void TrainingByHand()
    {
        // One channel holding 1, 2, 3, 4: mean 2.5, biased variance 1.25, unbiased 5/3.
        var shape = new TensorShape(4, 1, 1, 1);
        var y = new float[4];
        float[] runningMean = [0], runningVar = [1], saveMean = [0], saveInvStd = [0];
        BatchNormReference.TrainingForward([1, 2, 3, 4], shape, [2], [0.5f], new BatchNormParams(epsilon: 0, momentum: 0.1), y,
            runningMean, runningVar, saveMean, saveInvStd);
        // y = 2 * (x - 2.5) / sqrt(1.25) + 0.5
        ReferenceTolerances.AssertClose("y", [-2.1832816f, -0.3944272f, 1.3944272f, 3.1832816f], y, ReferenceTolerances.HandValues);
        ReferenceTolerances.AssertClose("running", [0.25f, 0.9f + 0.1f * 5 / 3f, 2.5f, 0.8944272f],
            [runningMean[0], runningVar[0], saveMean[0], saveInvStd[0]], ReferenceTolerances.HandValues);
    }

    [Fact]
    public void EvaluationUsesTheRunningStatistics()
    {
        var y = new float[2];
        BatchNormReference.EvalForward([3, 5], new TensorShape(2, 1), [2], [1], [1], [3.99f], new BatchNormParams(epsilon: 0.01), y);
        Assert.Equal([3f, 5f], y); // 2 * (x - 1) / 2 + 1
    }

    [Fact]
    public void BackwardByHandForAUniformGradient()
    {
        // dy = 1 everywhere: a uniform shift is normalized away, so dx = 0, dBeta = m, dGamma = sum xhat = 0.
        var shape = new TensorShape(4, 1, 1, 1);
        float[] x = [1, 2, 3, 4];
        float[] dx = [float.NaN, float.NaN, float.NaN, float.NaN], dGamma = [10], dBeta = [10];
        BatchNormReference.Backward(x, [1, 1, 1, 1], shape, [2], [2.5f], [0.8944272f], dx, dGamma, dBeta);
        Assert.All(dx, v => Assert.Equal(0f, v, 6));
        Assert.Equal(10f, dGamma[0], 5); // accumulated onto 10
        Assert.Equal(14f, dBeta[0]);
    }

    [Fact]
    public void BackwardPassesTheGradientCheck()
    {
        var shape = new TensorShape(3, 5, 2, 3);
        var p = new BatchNormParams();
        var problem = new GradientProblem
        {
            Name = "batch norm training",
            Inputs = [RandomData.Uniform(shape.Elements, 61, -2f, 2f), RandomData.Uniform(5, 62, 0.5f, 1.5f), RandomData.Uniform(5, 63)],
            InputNames = ["x", "gamma", "beta"],
            OutputLength = (int)shape.Elements,
            Forward = (inputs, y) => Train(inputs, shape, p, y, new float[5], new float[5]),
            Backward = (inputs, dy, grads) =>
            {
                var (mean, invStd) = (new float[5], new float[5]);
                Train(inputs, shape, p, new float[shape.Elements], mean, invStd);
                BatchNormReference.Backward(inputs[0], dy, shape, inputs[1], mean, invStd, grads[0], grads[1], grads[2]);
            },
        };
        GradientProblems.AssertPasses(new GradientChecker().Check(problem), (int)shape.Elements + 10);
    }

    [Fact]
    public void OneValuePerChannelCannotTrain()
    {
        var error = Assert.Throws<ArgumentException>(() => BatchNormReference.TrainingForward([1, 2], new TensorShape(1, 2), [1, 1], [0, 0],
            new BatchNormParams(), new float[2], new float[2], new float[2], new float[2], new float[2]));
        Assert.Contains("more than one value per channel", error.Message);
    }

    private static void Train(float[][] inputs, TensorShape shape, BatchNormParams p, float[] y, float[] mean, float[] invStd) =>
        BatchNormReference.TrainingForward(inputs[0], shape, inputs[1], inputs[2], p, y, new float[shape.C], new float[shape.C], mean, invStd);
}
