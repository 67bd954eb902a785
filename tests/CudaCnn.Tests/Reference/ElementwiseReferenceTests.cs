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
    public void ConcatRejectsMismatchedSpatialSizes()
    {
        var error = Assert.Throws<ArgumentException>(() => ElementwiseReference.ConcatShape([new(1, 2, 4, 4), new(1, 2, 4, 5)]));
        Assert.Contains("[1,2,4,5]", error.Message);
    }
}
