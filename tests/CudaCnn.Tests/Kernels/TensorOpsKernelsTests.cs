using CudaCnn.Kernels;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

/// <summary>Concatenation along channels and the residual add's gradient split: pure data movement, so exact.</summary>
public class TensorOpsKernelsTests
{
    public static TheoryData<int, int, int, int[]> ConcatCases => new()
    {
        // n, h, w, channels of each part
        { 1, 1, 1, [1] },
        { 2, 3, 5, [1, 2, 3] },
        { 1, 7, 7, [64, 3] },
        { 3, 4, 4, [5, 7, 1, 2] },
        { 2, 5, 3, [9, 9] },
    };

    [NvrtcTheory]
    [MemberData(nameof(ConcatCases))]
    public void Concat_along_channels_matches_the_reference(int n, int h, int w, int[] channels)
    {
        var shapes = channels.Select(c => new TensorShape(n, c, h, w)).ToArray();
        var inputs = shapes.Select((s, i) => RandomData.Uniform(s.Elements, seed: 110 + (ulong)i)).ToArray();
        var yShape = ElementwiseReference.ConcatShape(shapes);
        var expectedY = new float[yShape.Elements];
        ElementwiseReference.Concat(inputs, shapes, expectedY);
        var dy = RandomData.Uniform(yShape.Elements, seed: 120);
        var expectedD = shapes.Select(s => new float[s.Elements]).ToArray();
        ElementwiseReference.ConcatBackward(dy, shapes, expectedD);

        using var sim = new SimHarness();
        var kernels = new ConcatKernels(sim.Library);
        var y = sim.Poisoned(yShape);
        kernels.Forward(y, [.. shapes.Select((s, i) => sim.Upload(s, inputs[i]))]);
        Assert.Equal(expectedY, y.ToArray());
        var dparts = shapes.Select(sim.Poisoned).ToArray();
        kernels.Backward(sim.Upload(yShape, dy), dparts);
        for (int i = 0; i < shapes.Length; i++) Assert.Equal(expectedD[i], dparts[i].ToArray());
    }

    [NvrtcTheory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void Residual_add_backward_splits_the_gradient(int n)
    {
        var dy = RandomData.Uniform(n, seed: 130);
        var (expectedA, expectedB) = (new float[n], new float[n]);
        ElementwiseReference.AddBackward(dy, expectedA, expectedB);
        using var sim = new SimHarness();
        var kernels = new ElementwiseKernels(sim.Library);
        var (da, db) = (sim.PoisonedBuffer(n), sim.PoisonedBuffer(n));
        kernels.ResidualAddBackward(da, db, sim.Upload(dy));
        Assert.Equal(expectedA, da.ToArray());
        Assert.Equal(expectedB, db.ToArray());
    }
}
