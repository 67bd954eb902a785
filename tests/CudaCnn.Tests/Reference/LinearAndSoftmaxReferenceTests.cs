using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Reference;

public class LinearAndSoftmaxReferenceTests
{
    private static readonly float[] Softmax123 = [0.09003057f, 0.24472847f, 0.66524096f];

    [Fact]
    public void LinearByHand()
    {
        var y = new float[3];
        LinearReference.Forward([1, 2], new TensorShape(1, 2), [1, 0, 0, 1, 1, 1], new TensorShape(3, 2), [0.5f, -0.5f, 0], y);
        Assert.Equal([1.5f, 1.5f, 3], y);
    }

    [Fact]
    public void LinearFlattensNchwInputAndPassesTheGradientCheck()
    {
        var xShape = new TensorShape(3, 2, 3, 1);
        var wShape = new TensorShape(5, 6);
        Assert.Equal(new TensorShape(3, 5), LinearReference.OutputShape(xShape, wShape));
        var problem = new GradientProblem
        {
            Name = "linear",
            Inputs = [RandomData.Uniform(xShape.Elements, 51), RandomData.Uniform(wShape.Elements, 52), RandomData.Uniform(5, 53)],
            InputNames = ["x", "w", "b"],
            OutputLength = 15,
            Forward = (inputs, y) => LinearReference.Forward(inputs[0], xShape, inputs[1], wShape, inputs[2], y),
            Backward = (inputs, dy, grads) =>
            {
                LinearReference.BackwardData(dy, inputs[1], wShape, grads[0], xShape);
                LinearReference.BackwardWeight(inputs[0], xShape, dy, grads[1], wShape);
                LinearReference.BackwardBias(dy, xShape.N, grads[2]);
            },
        };
        GradientProblems.AssertPasses(new GradientChecker().CheckExhaustive(problem), 18 + 30 + 5);
    }

    [Fact]
    public void LinearRejectsMismatchedFeatures()
    {
        var error = Assert.Throws<ArgumentException>(() => LinearReference.OutputShape(new TensorShape(2, 3, 2, 2), new TensorShape(10, 9216)));
        Assert.Contains("x has 12 features per sample, the weight expects 9216", error.Message);
    }

    [Fact]
    public void SoftmaxByHandAndStableForLargeLogits()
    {
        var y = new float[3];
        SoftmaxReference.Forward([1, 2, 3], new TensorShape(1, 3), y);
        ReferenceTolerances.AssertClose("softmax", Softmax123, y, ReferenceTolerances.HandValues);
        SoftmaxReference.Forward([1001, 1002, 1003], new TensorShape(1, 3), y);
        ReferenceTolerances.AssertClose("softmax shifted", Softmax123, y, ReferenceTolerances.HandValues);
    }

    [Fact]
    public void SoftmaxRunsOverChannelsForEachPixel()
    {
        // [1, 3, 1, 2]: pixel 0 holds channels (1, 2, 3), pixel 1 holds (0, 0, 0).
        var y = new float[6];
        SoftmaxReference.Forward([1, 0, 2, 0, 3, 0], new TensorShape(1, 3, 1, 2), y);
        ReferenceTolerances.AssertClose("softmax channels", [Softmax123[0], 1 / 3f, Softmax123[1], 1 / 3f, Softmax123[2], 1 / 3f], y,
            ReferenceTolerances.HandValues);
    }

    [Fact]
    public void SoftmaxBackwardPassesTheGradientCheck()
    {
        var shape = new TensorShape(2, 5, 1, 3);
        var problem = GradientProblems.Unary("softmax", RandomData.Uniform(shape.Elements, 54, -3f, 3f), (int)shape.Elements,
            (x, y) => SoftmaxReference.Forward(x, shape, y),
            (x, dy, dx) =>
            {
                var y = new float[x.Length];
                SoftmaxReference.Forward(x, shape, y);
                SoftmaxReference.Backward(y, dy, shape, dx);
            });
        GradientProblems.AssertPasses(new GradientChecker().CheckExhaustive(problem), (int)shape.Elements);
    }

    [Fact]
    public void CrossEntropyByHandIsTheMeanOverTheBatch()
    {
        var shape = new TensorShape(2, 3);
        float[] logits = [1, 2, 3, 1, 2, 3];
        int[] labels = [2, 0];
        // -log(0.66524096) = 0.40760596, -log(0.09003057) = 2.40760596; mean 1.40760596.
        Assert.Equal(1.40760596f, SoftmaxReference.CrossEntropyForward(logits, shape, labels), 6);
        var grad = new float[6];
        SoftmaxReference.CrossEntropyBackward(logits, shape, labels, grad);
        var (p0, p1, p2) = (Softmax123[0], Softmax123[1], Softmax123[2]);
        ReferenceTolerances.AssertClose("dLogits", [p0 / 2, p1 / 2, (p2 - 1) / 2, (p0 - 1) / 2, p1 / 2, p2 / 2], grad, ReferenceTolerances.HandValues);
    }

    [Fact]
    public void CrossEntropyIsFiniteForExtremeLogits()
    {
        Assert.Equal(1000f, SoftmaxReference.CrossEntropyForward([1000, 0], new TensorShape(1, 2), [1]));
        Assert.Equal(0f, SoftmaxReference.CrossEntropyForward([1000, 0], new TensorShape(1, 2), [0]));
    }

    [Fact]
    public void CrossEntropyGradientPassesTheCheck()
    {
        var shape = new TensorShape(4, 7);
        var labels = RandomData.Integers(4, 7, 55);
        var problem = GradientProblems.Unary("softmax cross-entropy", RandomData.Uniform(shape.Elements, 56, -3f, 3f), 1,
            (x, loss) => loss[0] = SoftmaxReference.CrossEntropyForward(x, shape, labels),
            (x, dLoss, dx) => SoftmaxReference.CrossEntropyBackward(x, shape, labels, dx, dLoss[0]));
        GradientProblems.AssertPasses(new GradientChecker().Check(problem), (int)shape.Elements);
    }

    [Fact]
    public void LabelsOutsideTheClassesAreRejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxReference.CrossEntropyForward(new float[6], new TensorShape(2, 3), [0, 3]));
        Assert.Contains("labels[1] = 3 is outside [0, 3)", error.Message);
    }
}
