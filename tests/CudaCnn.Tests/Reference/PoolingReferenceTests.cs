using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Reference;

public class PoolingReferenceTests
{
    private static readonly TensorShape Plane4x4 = new(1, 1, 4, 4);
    private static readonly Pool2dParams TwoByTwo = new(2);

    [Fact]
    public void MaxPoolingLectureExampleOne()
    {
        var (y, argmax) = Max([1, 1, 2, 4, 5, 6, 7, 8, 3, 2, 1, 0, 1, 2, 3, 4], Plane4x4, TwoByTwo);
        Assert.Equal([6f, 8, 3, 4], y);
        Assert.Equal([5, 7, 8, 15], argmax);
    }

    [Fact]
    public void MaxAndAveragePoolingLectureExampleTwo()
    {
        float[] x = [1, 4, 6, 3, 1, 8, 9, 7, 2, 9, 1, 2, 3, 4, 4, 3];
        Assert.Equal([8f, 9, 9, 4], Max(x, Plane4x4, TwoByTwo).Y);
        var y = new float[4];
        PoolingReference.AvgForward(x, Plane4x4, TwoByTwo, y);
        Assert.Equal([3.5f, 6.25f, 4.5f, 2.5f], y);
    }

    [Fact]
    public void TiesGoToTheFirstCellInRowMajorOrder()
    {
        // Every window of the 3x3 stride-1 pooling holds only 7s: the winner is the window's top-left cell.
        var x = Enumerable.Repeat(7f, 25).ToArray();
        var (_, argmax) = Max(x, new TensorShape(1, 1, 5, 5), new Pool2dParams(3, stride: 1));
        Assert.Equal([0, 1, 2, 5, 6, 7, 10, 11, 12], argmax);
    }

    [Fact]
    public void PaddedCellsNeverWin()
    {
        var x = Enumerable.Range(1, 9).Select(v => -(float)v).ToArray(); // all negative; padding would be 0
        var (y, argmax) = Max(x, new TensorShape(1, 1, 3, 3), new Pool2dParams(3, stride: 2, padding: 1));
        // Each window holds the 2x2 corner of real cells it overlaps, e.g. window (0, 1) = {-2, -3, -5, -6}.
        Assert.Equal([-1f, -2, -4, -5], y);
        Assert.Equal([0, 1, 3, 4], argmax);
    }

    [Fact]
    public void NaNPropagatesThroughMaxPooling()
    {
        float[] x = [1, float.NaN, 3, 4];
        var (y, argmax) = Max(x, new TensorShape(1, 1, 2, 2), TwoByTwo);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(1, argmax[0]);
    }

    [Fact]
    public void CeilModeKeepsThePartialLastWindow()
    {
        // 5x5 with 2x2 stride 2: floor gives 2x2, ceil gives 3x3 whose last row/column windows hold one real cell.
        var x = Enumerable.Range(0, 25).Select(v => (float)v).ToArray();
        var shape = new TensorShape(1, 1, 5, 5);
        var (y, _) = Max(x, shape, new Pool2dParams(2, rounding: OutputRounding.Ceil));
        Assert.Equal([6f, 8, 9, 16, 18, 19, 21, 23, 24], y);
        var avg = new float[9];
        PoolingReference.AvgForward(x, shape, new Pool2dParams(2, rounding: OutputRounding.Ceil), avg);
        // Full windows average 4 cells; the overhang beyond the (unpadded) input is not counted: (4+9)/2, 24/1.
        Assert.Equal([3f, 5, 6.5f, 13, 15, 16.5f, 20.5f, 22.5f, 24], avg);
    }

    [Fact]
    public void AveragePoolingCountsPaddingOnlyWhenAsked()
    {
        var x = Enumerable.Repeat(1f, 9).ToArray();
        var shape = new TensorShape(1, 1, 3, 3);
        var include = new float[9];
        var exclude = new float[9];
        PoolingReference.AvgForward(x, shape, new Pool2dParams(3, stride: 1, padding: 1, countIncludePad: true), include);
        PoolingReference.AvgForward(x, shape, new Pool2dParams(3, stride: 1, padding: 1, countIncludePad: false), exclude);
        Assert.Equal([4 / 9f, 6 / 9f, 4 / 9f, 6 / 9f, 1, 6 / 9f, 4 / 9f, 6 / 9f, 4 / 9f], include);
        Assert.All(exclude, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void GlobalAveragePoolingAndItsGradient()
    {
        float[] x = [1, 2, 3, 4, 10, 20, 30, 40];
        var y = new float[2];
        PoolingReference.GlobalAvgForward(x, new TensorShape(1, 2, 2, 2), y);
        Assert.Equal([2.5f, 25f], y);
        var dx = new float[8];
        PoolingReference.GlobalAvgBackward([4f, -8f], dx, new TensorShape(1, 2, 2, 2));
        Assert.Equal([1f, 1, 1, 1, -2, -2, -2, -2], dx);
    }

    public static TheoryData<string> Cases => new(Geometries.Keys);

    private static readonly Dictionary<string, (TensorShape X, Pool2dParams P)> Geometries = new()
    {
        ["2x2 stride 2, odd input"] = (new TensorShape(2, 3, 7, 5), new Pool2dParams(2)),
        ["3x3 stride 2 overlapping (AlexNet), reduced"] = (new TensorShape(2, 3, 11, 9), new Pool2dParams(3, stride: 2)),
        ["3x3 stride 2 pad 1 ceil"] = (new TensorShape(1, 2, 8, 7), new Pool2dParams(3, 2, 1, OutputRounding.Ceil)),
        ["3x2 window, stride 1x2, pad 1x0, ceil"] = (new TensorShape(1, 3, 6, 7), new Pool2dParams(3, 2, 1, 2, 1, 0, OutputRounding.Ceil)),
        ["ceil, padding not counted"] = (new TensorShape(2, 1, 9, 9), new Pool2dParams(3, 2, 1, OutputRounding.Ceil, countIncludePad: false)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxPoolingBackwardPassesTheGradientCheck(string name)
    {
        var (xShape, p) = Geometries[name];
        var x = RandomData.Distinct((int)xShape.Elements, 3);
        var yShape = p.OutputShape(xShape);
        var argmax = new int[yShape.Elements];
        var checker = new GradientChecker();
        var nearTie = PoolingReference.MaxNearTies(x, xShape, p, checker.KinkRange);
        var problem = GradientProblems.Unary($"max pool {name}", x, (int)yShape.Elements,
            (input, y) => PoolingReference.MaxForward(input, xShape, p, y, argmax),
            (input, dy, dx) =>
            {
                PoolingReference.MaxForward(input, xShape, p, new float[yShape.Elements], argmax);
                PoolingReference.MaxBackward(dy, argmax, p, dx, xShape);
            },
            nearKink: i => nearTie[i]);
        GradientProblems.AssertPasses(checker.Check(problem), (int)xShape.Elements * 9 / 10);
    }

    [Fact]
    public void TiesAreSkippedAndWouldFailOtherwise()
    {
        // Values on a 0.25 grid tie often; at a tie the central difference sees half a winner.
        var xShape = new TensorShape(1, 2, 7, 7);
        var p = new Pool2dParams(3, stride: 2);
        var x = RandomData.Uniform(xShape.Elements, 5).Select(v => MathF.Round(v * 4) / 4).ToArray();
        var argmax = new int[p.OutputShape(xShape).Elements];
        var checker = new GradientChecker();
        var nearTie = PoolingReference.MaxNearTies(x, xShape, p, checker.KinkRange);
        var problem = GradientProblems.Unary("max pool with ties", x, argmax.Length,
            (input, y) => PoolingReference.MaxForward(input, xShape, p, y, argmax),
            (input, dy, dx) =>
            {
                PoolingReference.MaxForward(input, xShape, p, new float[argmax.Length], argmax);
                PoolingReference.MaxBackward(dy, argmax, p, dx, xShape);
            });
        Assert.False(checker.Check(problem).Passed);
        var result = checker.Check(problem with { NearKink = (_, i) => nearTie[i] });
        Assert.True(result.Skipped > 0);
        GradientProblems.AssertPasses(result, (int)xShape.Elements / 2);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AveragePoolingBackwardPassesTheGradientCheck(string name)
    {
        var (xShape, p) = Geometries[name];
        var yShape = p.OutputShape(xShape);
        var problem = GradientProblems.Unary($"avg pool {name}", RandomData.Uniform(xShape.Elements, 4), (int)yShape.Elements,
            (x, y) => PoolingReference.AvgForward(x, xShape, p, y),
            (_, dy, dx) => PoolingReference.AvgBackward(dy, p, dx, xShape));
        GradientProblems.AssertPasses(new GradientChecker().Check(problem), (int)xShape.Elements);
    }

    [Fact]
    public void GlobalAveragePoolingPassesTheExhaustiveCheck()
    {
        var xShape = new TensorShape(2, 3, 3, 5);
        var problem = GradientProblems.Unary("global avg pool", RandomData.Uniform(xShape.Elements, 5), 6,
            (x, y) => PoolingReference.GlobalAvgForward(x, xShape, y),
            (_, dy, dx) => PoolingReference.GlobalAvgBackward(dy, dx, xShape));
        GradientProblems.AssertPasses(new GradientChecker().CheckExhaustive(problem), (int)xShape.Elements);
    }

    [Fact]
    public void MaxBackwardAccumulatesWhereOverlappingWindowsShareAWinner()
    {
        // 3x3 stride 1 windows of a 4x4 plane whose maximum (at the center-ish cell 5) wins all four windows.
        float[] x = [0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var p = new Pool2dParams(3, stride: 1);
        var (_, argmax) = Max(x, Plane4x4, p);
        var dx = Enumerable.Repeat(float.NaN, 16).ToArray();
        PoolingReference.MaxBackward([1f, 2, 3, 4], argmax, p, dx, Plane4x4);
        Assert.Equal(10f, dx[5]);
        Assert.Equal(15, dx.Count(v => v == 0f)); // written, not accumulated into the NaN garbage
    }

    [Fact]
    public void NearTiesMarkTheWinnerAndItsCloseRivalsOnly()
    {
        // Window 0 holds 5, 5.001 (a near-tie for the max) and two zeros; window 1 holds 9, 1 and two zeros (clear).
        float[] x = [5, 5.001f, 9, 1, 0, 0, 0, 0];
        var near = PoolingReference.MaxNearTies(x, new TensorShape(1, 1, 2, 4), TwoByTwo, 2e-3);
        Assert.Equal([true, true, false, false, false, false, false, false], near); // tied zeros below never win: not marked
    }

    [Fact]
    public void ArgmaxOutsideThePlaneIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => PoolingReference.MaxBackward(new float[4], [0, 1, 16, 2], TwoByTwo, new float[16], Plane4x4));
        Assert.Contains("argmax[2] = 16 is outside the 4x4 plane", error.Message);
    }

    private static (float[] Y, int[] Argmax) Max(float[] x, TensorShape shape, Pool2dParams p)
    {
        var yShape = p.OutputShape(shape);
        var y = new float[yShape.Elements];
        var argmax = new int[yShape.Elements];
        PoolingReference.MaxForward(x, shape, p, y, argmax);
        return (y, argmax);
    }
}
