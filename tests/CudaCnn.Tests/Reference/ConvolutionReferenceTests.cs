using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Reference;

public class ConvolutionReferenceTests
{
    private static readonly float[] VerticalEdge = [1, 0, -1, 1, 0, -1, 1, 0, -1];

    [Fact]
    public void VerticalEdgeFilterOnTheLectureImage()
    {
        float[] x =
        [
            3, 0, 1, 2, 7, 4,
            1, 5, 8, 9, 3, 1,
            2, 7, 2, 5, 1, 3,
            0, 1, 3, 1, 7, 8,
            4, 2, 1, 6, 2, 8,
            2, 4, 5, 2, 3, 9,
        ];
        var y = Convolve(x, VerticalEdge);
        Assert.Equal([-5f, -4, 0, 8], y[..4]);
        // The remaining rows, by hand: (3+1+2 - 1-8-2) = -5 etc.
        Assert.Equal([-10f, -2, 2, 3, 0, -2, -4, -7, -3, -2, -3, -16], y[4..]);
    }

    [Fact]
    public void VerticalEdgeFilterFindsTheEdgeInTheMiddle()
    {
        var x = new float[36];
        for (int r = 0; r < 6; r++)
            for (int c = 0; c < 3; c++) x[r * 6 + c] = 10;
        var y = Convolve(x, VerticalEdge);
        for (int r = 0; r < 4; r++) Assert.Equal([0f, 30, 30, 0], y[(r * 4)..(r * 4 + 4)]);
    }

    private static float[] Convolve(float[] x6x6, float[] w3x3)
    {
        var y = new float[16];
        var shape = ConvolutionReference.Forward(x6x6, new TensorShape(1, 1, 6, 6), w3x3, new TensorShape(1, 1, 3, 3), null,
            new Conv2dParams(), y);
        Assert.Equal(new TensorShape(1, 1, 4, 4), shape);
        return y;
    }

    private sealed record Case(int N, int C, int H, int W, int K, int F, int Stride, int Pad, int Dilation, int Groups)
    {
        public TensorShape XShape => new(N, C, H, W);
        public Conv2dParams P => new(Stride, Pad, Dilation, Groups);
        public TensorShape WShape => P.WeightShape(C, K, F, F);
    }

    private static readonly Dictionary<string, Case> Shapes = new()
    {
        ["odd sizes"] = new(3, 5, 13, 11, 7, 3, 1, 1, 1, 1),
        ["stride 2 pad 2"] = new(2, 3, 9, 8, 4, 5, 2, 2, 1, 1),
        ["grouped"] = new(2, 4, 7, 7, 6, 3, 1, 0, 1, 2),
        ["dilated"] = new(1, 3, 9, 10, 2, 3, 1, 2, 2, 1),
        ["1x1"] = new(2, 6, 5, 3, 5, 1, 1, 0, 1, 1),
        ["alexnet conv1, reduced"] = new(1, 3, 31, 31, 4, 11, 4, 0, 1, 1),
    };

    /// <summary>Smaller twins for the gradient check, which runs two forwards per input element.</summary>
    private static readonly Dictionary<string, Case> GradientShapes = new()
    {
        ["odd sizes"] = new(2, 3, 7, 5, 3, 3, 1, 1, 1, 1),
        ["stride 2 pad 2"] = new(2, 3, 9, 8, 4, 5, 2, 2, 1, 1),
        ["grouped"] = new(2, 4, 5, 5, 6, 3, 1, 0, 1, 2),
        ["dilated"] = new(1, 3, 7, 8, 2, 3, 1, 2, 2, 1),
        ["1x1"] = new(2, 6, 5, 3, 5, 1, 1, 0, 1, 1),
        ["alexnet conv1, reduced"] = new(1, 3, 19, 19, 2, 11, 4, 0, 1, 1),
    };

    public static TheoryData<string> Cases => new(Shapes.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Im2colThenGemmEqualsTheDirectLoops(string name)
    {
        var s = Shapes[name];
        var (xShape, wShape, p, n, k, f, groups) = (s.XShape, s.WShape, s.P, s.N, s.K, s.F, s.Groups);
        var x = RandomData.Uniform(xShape.Elements, 1);
        var weights = RandomData.Uniform(wShape.Elements, 2);
        var bias = RandomData.Uniform(k, 3);
        var yShape = p.OutputShape(xShape, wShape);
        var direct = new float[yShape.Elements];
        ConvolutionReference.Forward(x, xShape, weights, wShape, bias, p, direct);

        var (rows, columns) = Im2colReference.ColumnShape(xShape, f, f, p);
        var col = new float[rows * columns];
        var viaGemm = new float[yShape.Elements];
        int kg = k / groups, rowsPerGroup = rows / groups;
        for (int image = 0; image < n; image++)
        {
            Im2colReference.Im2col(x, xShape, image, f, f, p, col);
            for (int g = 0; g < groups; g++)
            {
                var wg = weights.AsSpan(g * kg * rowsPerGroup, kg * rowsPerGroup).ToArray();
                var colg = col.AsSpan((int)(g * rowsPerGroup * columns), (int)(rowsPerGroup * columns)).ToArray();
                var yg = new float[kg * columns];
                GemmReference.Gemm(false, false, kg, (int)columns, rowsPerGroup, 1f, wg, colg, 0f, yg);
                for (int i = 0; i < yg.Length; i++)
                    viaGemm[image * yShape.C * columns + g * kg * columns + i] = yg[i] + bias[g * kg + i / (int)columns];
            }
        }
        ReferenceTolerances.AssertClose($"conv {name}", direct, viaGemm, ReferenceTolerances.DoublePaths, yShape);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Col2imIsTheAdjointOfIm2col(string name)
    {
        // <im2col(x), col> = <x, col2im(col)> for any x and col.
        var s = Shapes[name];
        var (xShape, p, n, f) = (s.XShape, s.P, s.N, s.F);
        var (rows, columns) = Im2colReference.ColumnShape(xShape, f, f, p);
        var x = RandomData.Uniform(xShape.Elements, 4);
        var col = RandomData.Uniform(rows * columns, 5);
        var colOfX = new float[col.Length];
        var xOfCol = new float[x.Length];
        Array.Fill(xOfCol, float.NaN); // col2im writes, so garbage must not survive
        Im2colReference.Im2col(x, xShape, n - 1, f, f, p, colOfX);
        Im2colReference.Col2im(col, xShape, n - 1, f, f, p, xOfCol);
        long plane = xShape.Elements / n, start = (n - 1) * plane;
        double left = 0, right = 0;
        for (long i = 0; i < col.Length; i++) left += (double)colOfX[i] * col[i];
        for (long i = 0; i < plane; i++) right += (double)x[start + i] * xOfCol[start + i];
        Assert.True(Math.Abs(left - right) <= 1e-4 * Math.Max(1, Math.Abs(left)), $"{name}: {left} vs {right}");
        Assert.All(xOfCol[..(int)start], v => Assert.True(float.IsNaN(v))); // other images untouched
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardPassesTheGradientCheck(string name)
    {
        var s = GradientShapes[name];
        var (xShape, wShape, p, k) = (s.XShape, s.WShape, s.P, s.K);
        var yShape = p.OutputShape(xShape, wShape);
        var problem = new GradientProblem
        {
            Name = $"conv {name}",
            Inputs = [RandomData.Uniform(xShape.Elements, 6), RandomData.Uniform(wShape.Elements, 7), RandomData.Uniform(k, 8)],
            InputNames = ["x", "w", "b"],
            OutputLength = (int)yShape.Elements,
            Forward = (inputs, y) => ConvolutionReference.Forward(inputs[0], xShape, inputs[1], wShape, inputs[2], p, y),
            Backward = (inputs, dy, grads) =>
            {
                ConvolutionReference.BackwardData(dy, inputs[1], wShape, p, grads[0], xShape);
                ConvolutionReference.BackwardFilter(inputs[0], xShape, dy, p, grads[1], wShape);
                ConvolutionReference.BackwardBias(dy, yShape, grads[2]);
            },
        };
        GradientProblems.AssertPasses(new GradientChecker().Check(problem), (int)(xShape.Elements + wShape.Elements + k));
    }

    [Fact]
    public void SmallConvolutionPassesTheExhaustiveCheck()
    {
        var s = new Case(1, 2, 4, 5, 2, 3, 2, 1, 1, 2);
        var (xShape, wShape, p) = (s.XShape, s.WShape, s.P);
        var yShape = p.OutputShape(xShape, wShape);
        var problem = new GradientProblem
        {
            Name = "conv exhaustive",
            Inputs = [RandomData.Uniform(xShape.Elements, 9), RandomData.Uniform(wShape.Elements, 10)],
            InputNames = ["x", "w"],
            OutputLength = (int)yShape.Elements,
            Forward = (inputs, y) => ConvolutionReference.Forward(inputs[0], xShape, inputs[1], wShape, null, p, y),
            Backward = (inputs, dy, grads) =>
            {
                ConvolutionReference.BackwardData(dy, inputs[1], wShape, p, grads[0], xShape);
                ConvolutionReference.BackwardFilter(inputs[0], xShape, dy, p, grads[1], wShape);
            },
        };
        GradientProblems.AssertPasses(new GradientChecker().CheckExhaustive(problem));
    }

    [Fact]
    public void ParameterGradientsAccumulateAndInputGradientsAreWritten()
    {
        var s = new Case(2, 3, 6, 5, 4, 3, 1, 1, 1, 1);
        var (xShape, wShape, p) = (s.XShape, s.WShape, s.P);
        var yShape = p.OutputShape(xShape, wShape);
        var x = RandomData.Uniform(xShape.Elements, 11);
        var w = RandomData.Uniform(wShape.Elements, 12);
        var dy = RandomData.Uniform(yShape.Elements, 13);
        var dw = new float[w.Length];
        var db = new float[4];
        ConvolutionReference.BackwardFilter(x, xShape, dy, p, dw, wShape);
        ConvolutionReference.BackwardBias(dy, yShape, db);
        var dwOnce = (float[])dw.Clone();
        var dbOnce = (float[])db.Clone();
        ConvolutionReference.BackwardFilter(x, xShape, dy, p, dw, wShape);
        ConvolutionReference.BackwardBias(dy, yShape, db);
        ReferenceTolerances.AssertClose("dw twice", dwOnce.Select(v => 2 * v).ToArray(), dw, ReferenceTolerances.DoublePaths);
        ReferenceTolerances.AssertClose("db twice", dbOnce.Select(v => 2 * v).ToArray(), db, ReferenceTolerances.DoublePaths);

        var dx = new float[x.Length];
        Array.Fill(dx, float.NaN);
        ConvolutionReference.BackwardData(dy, w, wShape, p, dx, xShape);
        Assert.DoesNotContain(dx, float.IsNaN);
    }

    [Fact]
    public void MismatchedBuffersAreRejectedWithShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => ConvolutionReference.Forward(new float[10], new TensorShape(1, 1, 4, 4),
            new float[9], new TensorShape(1, 1, 3, 3), null, new Conv2dParams(), new float[4]));
        Assert.Contains("x has 10 elements, its shape [1,1,4,4] needs 16", error.Message);
    }
}
