using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Reference;

public class ElementwiseReferenceTests
{
    [Fact]
    public void ResidualAddAndItsGradientSplit()
    {
        var y = new float[3];
        ElementwiseReference.Add([1, 2, 3], [10, 20, 30], y);
        Assert.Equal([11f, 22, 33], y);
        float[] da = [9, 9, 9], db = [9, 9, 9];
        ElementwiseReference.AddBackward([1, -1, 2], da, db);
        Assert.Equal([1f, -1, 2], da);
        Assert.Equal([1f, -1, 2], db);
    }

    [Fact]
    public void FillScaleAndAxpyByHand()
    {
        var y = new float[3];
        ElementwiseReference.Fill(y, 0.625f);
        Assert.Equal([0.625f, 0.625f, 0.625f], y);
        ElementwiseReference.Scale([1, -2, 4], -1.5f, y);
        Assert.Equal([-1.5f, 3, -6], y);
        ElementwiseReference.Axpy(0.5f, [2, 4, -8], y); // y += 0.5 x, accumulating onto the scaled values
        Assert.Equal([-0.5f, 5, -10], y);
        Assert.Throws<ArgumentException>(() => ElementwiseReference.Axpy(1f, [1, 2], y));
    }

    [Fact]
    public void FlattenKeepsTheBatchAndMultipliesTheRest()
    {
        Assert.Equal(new TensorShape(8, 9216), ElementwiseReference.FlattenShape(new TensorShape(8, 256, 6, 6)));
    }

    [Fact]
    public void ConcatAlongChannelsByHandAndBack()
    {
        // a: [2, 1, 1, 2], b: [2, 2, 1, 2] -> y: [2, 3, 1, 2]
        float[] a = [1, 2, 3, 4];
        float[] b = [10, 20, 30, 40, 50, 60, 70, 80];
        TensorShape[] shapes = [new(2, 1, 1, 2), new(2, 2, 1, 2)];
        var y = new float[12];
        Assert.Equal(new TensorShape(2, 3, 1, 2), ElementwiseReference.Concat([a, b], shapes, y));
        Assert.Equal([1f, 2, 10, 20, 30, 40, 3, 4, 50, 60, 70, 80], y);
        float[][] grads = [new float[4], new float[8]];
        ElementwiseReference.ConcatBackward(y, shapes, grads);
        Assert.Equal(a, grads[0]);
        Assert.Equal(b, grads[1]);
    }

    [Fact]
    public void AddAndConcatBackwardPassTheExhaustiveCheck()
    {
        var add = new GradientProblem
        {
            Name = "residual add",
            Inputs = [RandomData.Uniform(15, 71), RandomData.Uniform(15, 72)],
            InputNames = ["a", "b"],
            OutputLength = 15,
            Forward = (inputs, y) => ElementwiseReference.Add(inputs[0], inputs[1], y),
            Backward = (_, dy, grads) => ElementwiseReference.AddBackward(dy, grads[0], grads[1]),
        };
        GradientProblems.AssertPasses(new GradientChecker().CheckExhaustive(add), 30);

        TensorShape[] shapes = [new(2, 1, 3, 1), new(2, 3, 3, 1), new(2, 2, 3, 1)];
        var concat = new GradientProblem
        {
            Name = "concat",
            Inputs = shapes.Select((s, i) => RandomData.Uniform(s.Elements, 73 + (ulong)i)).ToArray(),
            InputNames = ["x0", "x1", "x2"],
            OutputLength = 36,
            Forward = (inputs, y) => ElementwiseReference.Concat(inputs, shapes, y),
            Backward = (_, dy, grads) => ElementwiseReference.ConcatBackward(dy, shapes, grads),
        };
        GradientProblems.AssertPasses(new GradientChecker().CheckExhaustive(concat), 36);
    }

    [Fact]
    public void ConcatRejectsMismatchedSpatialSizes()
    {
        var error = Assert.Throws<ArgumentException>(() => ElementwiseReference.ConcatShape([new(1, 2, 4, 4), new(1, 2, 4, 5)]));
        Assert.Contains("[1,2,4,5]", error.Message);
    }
}
