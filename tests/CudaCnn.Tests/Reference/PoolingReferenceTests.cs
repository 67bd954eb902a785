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
        var nearTie = NearTies(x, xShape, p, KinkRange);
        var problem = GradientProblems.Unary($"max pool {name}", x, (int)yShape.Elements,
            (input, y) => PoolingReference.MaxForward(input, xShape, p, y, argmax),
            (input, dy, dx) =>
            {
                PoolingReference.MaxForward(input, xShape, p, new float[yShape.Elements], argmax);
                PoolingReference.MaxBackward(dy, argmax, p, dx, xShape);
            },
            nearKink: i => nearTie[i]);
        GradientProblems.AssertPasses(new GradientChecker().Check(problem), (int)xShape.Elements * 9 / 10);
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

    /// <summary>Max pooling is not differentiable where a window's top two values are closer than this.</summary>
    private const float KinkRange = 2e-3f;

    private static (float[] Y, int[] Argmax) Max(float[] x, TensorShape shape, Pool2dParams p)
    {
        var yShape = p.OutputShape(shape);
        var y = new float[yShape.Elements];
        var argmax = new int[yShape.Elements];
        PoolingReference.MaxForward(x, shape, p, y, argmax);
        return (y, argmax);
    }

    /// <summary>Marks every element within range of its window's maximum (other than the maximum itself) and the
    /// maximum of such a window: moving either by the check's step could change the winner.</summary>
    private static bool[] NearTies(float[] x, TensorShape xShape, Pool2dParams p, float range)
    {
        var near = new bool[x.Length];
        var (y, argmax) = Max(x, xShape, p);
        var yShape = p.OutputShape(xShape);
        int inPlane = xShape.H * xShape.W, outPlane = yShape.H * yShape.W;
        for (int o = 0; o < y.Length; o++)
        {
            long plane = o / outPlane * (long)inPlane;
            int oh = o % outPlane / yShape.W, ow = o % yShape.W;
            for (int h = Math.Max(0, oh * p.StrideH - p.PadH); h < Math.Min(xShape.H, oh * p.StrideH - p.PadH + p.KernelH); h++)
                for (int w = Math.Max(0, ow * p.StrideW - p.PadW); w < Math.Min(xShape.W, ow * p.StrideW - p.PadW + p.KernelW); w++)
                {
                    long i = plane + h * xShape.W + w;
                    if (i != plane + argmax[o] && y[o] - x[i] < range) near[i] = near[plane + argmax[o]] = true;
                }
        }
        return near;
    }
}
