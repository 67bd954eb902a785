using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Reference;

/// <summary>The tolerance helper, the gradient checker and the seeded data must themselves be able to fail.</summary>
public class ToolingTests
{
    private static readonly Tolerance Tight = new(Absolute: 1e-6, Relative: 1e-3);

    [Fact]
    public void ComparisonNamesTheTensorTheCoordinatesAndTheWorstError()
    {
        var expected = new float[24];
        var actual = new float[24];
        expected[17] = 2f;
        actual[17] = 2.01f;
        var result = TensorComparison.Compare("conv1.dW", expected, actual, Tight, new TensorShape(2, 3, 2, 2));
        Assert.False(result.Passed);
        Assert.Equal(17, result.WorstIndex);
        Assert.Equal(0.01, result.MaxAbsError, 1e-6);
        Assert.Equal(0.005, result.MaxRelError, 1e-6);
        Assert.Contains("conv1.dW: 1 of 24 elements outside tolerance", result.Message);
        Assert.Contains("[n=1, c=1, h=0, w=1]", result.Message);
        Assert.Contains("expected 2, actual 2.00999999", result.Message);
        Assert.Contains("5 x tolerance", result.Message); // 0.01 / (1e-6 + 1e-3 * 2) ~ 5.0
        Assert.Throws<TensorMismatchException>(() => result.ThrowIfFailed());
    }

    [Fact]
    public void ComparisonPassesWithinTheRuleAndTreatsNaNStrictly()
    {
        Assert.True(TensorComparison.Compare("t", [1f, 100f], [1.0009f, 100.09f], Tight).Passed);
        Assert.True(TensorComparison.Compare("t", [float.NaN], [float.NaN], Tight).Passed);
        Assert.False(TensorComparison.Compare("t", [1f], [float.NaN], Tight).Passed);
        Assert.False(TensorComparison.Compare("t", [float.PositiveInfinity], [float.MaxValue], Tight).Passed);
        Assert.False(TensorComparison.Compare("t", [0f], [1e-5f], Tight).Passed);
    }

    [Fact]
    public void GradientCheckerCatchesAWrongBackward()
    {
        // y = x^2 with a backward that forgets the factor 2.
        var problem = GradientProblems.Unary("square", RandomData.Uniform(7, 1, 0.5f, 2f), 7,
            (x, y) => { for (int i = 0; i < x.Length; i++) y[i] = x[i] * x[i]; },
            (x, dy, dx) => { for (int i = 0; i < x.Length; i++) dx[i] = dy[i] * x[i]; });
        var checker = new GradientChecker();
        Assert.False(checker.Check(problem).Passed);
        Assert.False(checker.CheckExhaustive(problem).Passed);
        var elementwise = checker.CheckElementwise(problem);
        Assert.Equal(7, elementwise.Mismatches.Count);
        Assert.Contains("dy[", elementwise.Message);
    }

    [Fact]
    public void GradientCheckerPassesARightBackwardAndCountsSkippedKinks()
    {
        var x = RandomData.Uniform(9, 2, 0.5f, 2f);
        var problem = GradientProblems.Unary("square", x, 9,
            (x, y) => { for (int i = 0; i < x.Length; i++) y[i] = x[i] * x[i]; },
            (x, dy, dx) => { for (int i = 0; i < x.Length; i++) dx[i] = 2 * dy[i] * x[i]; },
            nearKink: i => i % 3 == 0);
        var result = new GradientChecker().Check(problem);
        Assert.True(result.Passed, result.Message);
        Assert.Equal((6, 3), (result.Checked, result.Skipped));
        Assert.Equal(RandomData.Uniform(9, 2, 0.5f, 2f), x); // inputs restored
    }

    [Fact]
    public void RandomDataIsDeterministicAndInRange()
    {
        var a = RandomData.Uniform(1001, 42, -2f, 3f);
        Assert.Equal(a, RandomData.Uniform(1001, 42, -2f, 3f));
        Assert.NotEqual(a, RandomData.Uniform(1001, 43, -2f, 3f));
        Assert.All(a, v => Assert.InRange(v, -2f, 3f));
        Assert.InRange(a.Average(), 0.3, 0.7);
        var distinct = RandomData.Distinct(97, 5);
        Assert.Equal(97, distinct.Distinct().Count());
        Assert.All(RandomData.Integers(50, 7, 3), v => Assert.InRange(v, 0, 6));
    }
}
