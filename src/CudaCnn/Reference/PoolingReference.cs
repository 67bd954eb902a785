using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Reference;

/// <summary>2-D max / average pooling and global average pooling, NCHW, one window per output cell.
/// Window of output (oh, ow): rows hstart = oh*sH - pH .. hstart + kH - 1, likewise columns (see Pool2dParams for
/// the output size rule). Padded cells never take part in a max. Max ties go to the first cell in row-major order
/// (strict &gt;); a NaN wins over numbers (the first NaN), so NaN propagates. argmax is the flat index h*W + w of the
/// winner within its (n, c) input plane.
/// Average: sum of the window's real cells / divisor, where divisor = CountIncludePad ? cells of the window inside the
/// padded input (H + 2pH, W + 2pW; a ceil-mode overhang beyond it is not counted, as PyTorch) : real cells only.
/// Backward: dx is written (=); within it, max pooling routes each dy to its argmax and average pooling spreads
/// dy / divisor over the window's real cells, both accumulating where windows overlap.</summary>
public static class PoolingReference
{
    private const string Op = "PoolingReference";

    public static TensorShape MaxForward(float[] x, TensorShape xShape, Pool2dParams p, float[] y, int[] argmax)
    {
        var yShape = Shapes(x, nameof(x), xShape, p, y, nameof(y));
        ReferenceChecks.Length(argmax, yShape, nameof(argmax), Op);
        ForEachWindow(xShape, yShape, p, (plane, outIndex, window) =>
        {
            int best = -1;
            for (int h = window.H0; h < window.H1; h++)
                for (int w = window.W0; w < window.W1; w++)
                {
                    int i = h * xShape.W + w;
                    float v = x[plane + i];
                    if (best < 0 || v > x[plane + best] || (float.IsNaN(v) && !float.IsNaN(x[plane + best]))) best = i;
                }
            y[outIndex] = x[plane + best];
            argmax[outIndex] = best;
        });
        return yShape;
    }

    public static void MaxBackward(float[] dy, int[] argmax, Pool2dParams p, float[] dx, TensorShape xShape)
    {
        var yShape = Shapes(dx, nameof(dx), xShape, p, dy, nameof(dy));
        ReferenceChecks.Length(argmax, yShape, nameof(argmax), Op);
        int inPlane = xShape.H * xShape.W, outPlane = yShape.H * yShape.W;
        Parallel.For(0, xShape.N, n =>
        {
            for (int c = 0; c < xShape.C; c++)
            {
                long inStart = ((long)n * xShape.C + c) * inPlane, outStart = ((long)n * xShape.C + c) * outPlane;
                var acc = new double[inPlane];
                for (int o = 0; o < outPlane; o++)
                {
                    int winner = argmax[outStart + o];
                    if (winner < 0 || winner >= inPlane)
                        throw new ArgumentException($"{Op}: argmax[{outStart + o}] = {winner} is outside the {xShape.H}x{xShape.W} plane", nameof(argmax));
                    acc[winner] += dy[outStart + o];
                }
                for (int i = 0; i < inPlane; i++) dx[inStart + i] = (float)acc[i];
            }
        });
    }

    public static TensorShape AvgForward(float[] x, TensorShape xShape, Pool2dParams p, float[] y)
    {
        var yShape = Shapes(x, nameof(x), xShape, p, y, nameof(y));
        ForEachWindow(xShape, yShape, p, (plane, outIndex, window) =>
        {
            double sum = 0;
            for (int h = window.H0; h < window.H1; h++)
                for (int w = window.W0; w < window.W1; w++) sum += x[plane + h * xShape.W + w];
            y[outIndex] = (float)(sum / window.Divisor);
        });
        return yShape;
    }

    public static void AvgBackward(float[] dy, Pool2dParams p, float[] dx, TensorShape xShape)
    {
        var yShape = Shapes(dx, nameof(dx), xShape, p, dy, nameof(dy));
        var acc = new double[dx.LongLength];
        // Windows of one plane overlap each other only, so planes (and images) never race.
        ForEachWindow(xShape, yShape, p, (plane, outIndex, window) =>
        {
            double share = dy[outIndex] / (double)window.Divisor;
            for (int h = window.H0; h < window.H1; h++)
                for (int w = window.W0; w < window.W1; w++) acc[plane + h * xShape.W + w] += share;
        });
        for (long i = 0; i < acc.LongLength; i++) dx[i] = (float)acc[i];
    }

    /// <summary>y[n, c, 0, 0] = mean of x[n, c, :, :]; y has shape [N, C, 1, 1].</summary>
    public static void GlobalAvgForward(float[] x, TensorShape xShape, float[] y)
    {
        GlobalShapes(x, nameof(x), xShape, y, nameof(y));
        int plane = xShape.H * xShape.W;
        for (long nc = 0; nc < (long)xShape.N * xShape.C; nc++)
        {
            double sum = 0;
            for (int i = 0; i < plane; i++) sum += x[nc * plane + i];
            y[nc] = (float)(sum / plane);
        }
    }

    /// <summary>dx[n, c, h, w] = dy[n, c] / (H * W), written.</summary>
    public static void GlobalAvgBackward(float[] dy, float[] dx, TensorShape xShape)
    {
        GlobalShapes(dx, nameof(dx), xShape, dy, nameof(dy));
        int plane = xShape.H * xShape.W;
        for (long nc = 0; nc < (long)xShape.N * xShape.C; nc++)
            for (int i = 0; i < plane; i++) dx[nc * plane + i] = (float)((double)dy[nc] / plane);
    }

    /// <summary>A window clipped to the input: rows H0..H1-1, columns W0..W1-1, and its average-pooling divisor.</summary>
    private readonly record struct Window(int H0, int H1, int W0, int W1, int Divisor);

    private static void ForEachWindow(TensorShape xShape, TensorShape yShape, Pool2dParams p, Action<long, long, Window> visit)
    {
        Parallel.For(0, xShape.N, n =>
        {
            for (int c = 0; c < xShape.C; c++)
            {
                long plane = ((long)n * xShape.C + c) * xShape.H * xShape.W;
                for (int oh = 0; oh < yShape.H; oh++)
                for (int ow = 0; ow < yShape.W; ow++)
                {
                    int h0 = oh * p.StrideH - p.PadH, w0 = ow * p.StrideW - p.PadW;
                    int h1 = Math.Min(h0 + p.KernelH, xShape.H + p.PadH), w1 = Math.Min(w0 + p.KernelW, xShape.W + p.PadW);
                    int padded = (h1 - h0) * (w1 - w0);
                    (h0, w0, h1, w1) = (Math.Max(h0, 0), Math.Max(w0, 0), Math.Min(h1, xShape.H), Math.Min(w1, xShape.W));
                    int divisor = p.CountIncludePad ? padded : (h1 - h0) * (w1 - w0);
                    long outIndex = (((long)n * yShape.C + c) * yShape.H + oh) * yShape.W + ow;
                    visit(plane, outIndex, new Window(h0, h1, w0, w1, divisor));
                }
            }
        });
    }

    private static TensorShape Shapes(float[] x, string xName, TensorShape xShape, Pool2dParams p, float[] y, string yName)
    {
        ArgumentNullException.ThrowIfNull(p);
        var yShape = p.OutputShape(xShape);
        ReferenceChecks.Length(x, xShape, xName, Op);
        ReferenceChecks.Length(y, yShape, yName, Op);
        return yShape;
    }

    private static void GlobalShapes(float[] x, string xName, TensorShape xShape, float[] y, string yName)
    {
        WindowGeometry.RequireRank4(xShape, nameof(xShape), Op);
        ReferenceChecks.Length(x, xShape, xName, Op);
        ReferenceChecks.Length(y, (long)xShape.N * xShape.C, yName, Op);
    }
}
