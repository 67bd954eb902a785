using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Reference;

public class LrnReferenceTests
{
    [Fact]
    public void OddWindowByHand()
    {
        // n = 3 (c-1..c+1), alpha / n = 1, beta = 1, k = 1 on x = [1, 2, 3] across channels:
        // s = [1 + 1 + 4, 1 + 1 + 4 + 9, 1 + 4 + 9] = [6, 15, 14].
        var y = Lrn([1, 2, 3], new LrnParams(3, alpha: 3, beta: 1, k: 1));
        ReferenceTolerances.AssertClose("lrn n=3", [1 / 6f, 2 / 15f, 3 / 14f], y, ReferenceTolerances.HandValues);
    }

    [Fact]
    public void EvenWindowLooksAheadOneMoreThanBehind()
    {
        // n = 4: lookBehind 1, lookAhead 2 (cuDNN). x = [1..5]: s[0] = 1 + (1+4+9), s[3] = 1 + (9+16+25), ...
        var p = new LrnParams(4, alpha: 4, beta: 1, k: 1);
        Assert.Equal((1, 2), (p.LookBehind, p.LookAhead));
        var y = Lrn([1, 2, 3, 4, 5], p);
        ReferenceTolerances.AssertClose("lrn n=4", [1 / 15f, 2 / 31f, 3 / 55f, 4 / 51f, 5 / 42f], y, ReferenceTolerances.HandValues);
    }

    [Fact]
    public void DefaultsAreCuDnnsAndThePaperVariantDoesNotDivideAlphaByN()
    {
        var defaults = new LrnParams();
        Assert.Equal((5, 1e-4, 0.75, 2.0, LrnVariant.CuDnn), (defaults.Size, defaults.Alpha, defaults.Beta, defaults.K, defaults.Variant));
        // One channel holding 1 (or 3): s = 2 + (1e-4 / 5) * x^2.
        ReferenceTolerances.AssertClose("lrn defaults", [0.5945991f], Lrn([1], defaults), ReferenceTolerances.HandValues);
        // The paper variant with alpha equals cuDNN's with alpha * n.
        var paper = Lrn([1, 2, 3], new LrnParams(3, alpha: 1, beta: 1, k: 1, variant: LrnVariant.AlexNetPaper));
        ReferenceTolerances.AssertClose("lrn paper", [1 / 6f, 2 / 15f, 3 / 14f], paper, ReferenceTolerances.HandValues);
    }

    [Theory]
    [InlineData(5, LrnVariant.CuDnn, 7)]
    [InlineData(4, LrnVariant.CuDnn, 6)]
    [InlineData(3, LrnVariant.AlexNetPaper, 5)]
    [InlineData(9, LrnVariant.CuDnn, 4)] // window wider than the channel count
    public void BackwardPassesTheGradientCheck(int size, LrnVariant variant, int channels)
    {
        // alpha large enough that the normalization is far from linear.
        var p = new LrnParams(size, alpha: variant == LrnVariant.CuDnn ? 2.0 : 0.4, beta: 0.75, k: 1.5, variant: variant);
        var shape = new TensorShape(2, channels, 3, 5);
        var problem = GradientProblems.Unary($"lrn n={size} C={channels} {variant}", RandomData.Uniform(shape.Elements, 21, -2f, 2f),
            (int)shape.Elements,
            (x, y) => LrnReference.Forward(x, shape, p, y),
            (x, dy, dx) => LrnReference.Backward(x, dy, shape, p, dx));
        GradientProblems.AssertPasses(new GradientChecker().Check(problem), (int)shape.Elements);
    }

    [Fact]
    public void SmallLrnPassesTheExhaustiveCheck()
    {
        var p = new LrnParams(3, alpha: 3, beta: 0.75, k: 1);
        var shape = new TensorShape(1, 5, 1, 2);
        var problem = GradientProblems.Unary("lrn exhaustive", RandomData.Uniform(shape.Elements, 22, -2f, 2f), (int)shape.Elements,
            (x, y) => LrnReference.Forward(x, shape, p, y),
            (x, dy, dx) => LrnReference.Backward(x, dy, shape, p, dx));
        GradientProblems.AssertPasses(new GradientChecker().CheckExhaustive(problem), (int)shape.Elements);
    }

    [Fact]
    public void InvalidParametersAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LrnParams(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LrnParams(k: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LrnParams(alpha: double.NaN));
    }

    private static float[] Lrn(float[] channels, LrnParams p)
    {
        var shape = new TensorShape(1, channels.Length, 1, 1);
        var y = new float[channels.Length];
        LrnReference.Forward(channels, shape, p, y);
        return y;
    }
}
