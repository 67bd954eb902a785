using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Reference;

/// <summary>im2col / col2im for one image n of an NCHW batch (Caffe's layout).
/// col is [C*kH*kW, outH*outW]: row (c*kH + kh)*kW + kw, column oh*outW + ow holds
/// x[n, c, oh*sH - pH + kh*dH, ow*sW - pW + kw*dW], or 0 where that falls in the padding. Convolution is then, per group
/// g, W_g [Kg, Cg*kH*kW] times the col rows of channels g*Cg .. (g+1)*Cg - 1.
/// col2im is the adjoint: x[n] = sum of col entries over every position they came from, written (=).</summary>
public static class Im2colReference
{
    private const string Op = "Im2colReference";

    /// <summary>The col matrix's shape as (rows, columns).</summary>
    public static (int Rows, long Columns) ColumnShape(TensorShape xShape, int kH, int kW, Conv2dParams p)
    {
        WindowGeometry.RequireRank4(xShape, nameof(xShape), Op);
        var (outH, outW) = p.OutputSize(xShape.H, xShape.W, kH, kW);
        return (xShape.C * kH * kW, (long)outH * outW);
    }

    public static void Im2col(float[] x, TensorShape xShape, int n, int kH, int kW, Conv2dParams p, float[] col)
    {
        var (outH, outW) = Validate(x, xShape, n, kH, kW, p, col);
        long i = 0;
        for (int c = 0; c < xShape.C; c++)
        for (int kh = 0; kh < kH; kh++)
        for (int kw = 0; kw < kW; kw++)
        for (int oh = 0; oh < outH; oh++)
        for (int ow = 0; ow < outW; ow++)
        {
            long xi = Source(xShape, n, c, oh * p.StrideH - p.PadH + kh * p.DilationH, ow * p.StrideW - p.PadW + kw * p.DilationW);
            col[i++] = xi < 0 ? 0f : x[xi];
        }
    }

    public static void Col2im(float[] col, TensorShape xShape, int n, int kH, int kW, Conv2dParams p, float[] x)
    {
        var (outH, outW) = Validate(x, xShape, n, kH, kW, p, col);
        long plane = (long)xShape.C * xShape.H * xShape.W, start = n * plane;
        var acc = new double[plane];
        long i = 0;
        for (int c = 0; c < xShape.C; c++)
        for (int kh = 0; kh < kH; kh++)
        for (int kw = 0; kw < kW; kw++)
        for (int oh = 0; oh < outH; oh++)
        for (int ow = 0; ow < outW; ow++, i++)
        {
            long xi = Source(xShape, n, c, oh * p.StrideH - p.PadH + kh * p.DilationH, ow * p.StrideW - p.PadW + kw * p.DilationW);
            if (xi >= 0) acc[xi - start] += col[i];
        }
        for (long j = 0; j < plane; j++) x[start + j] = (float)acc[j];
    }

    /// <summary>Flat index of x[n, c, h, w], or -1 outside the image.</summary>
    private static long Source(TensorShape s, int n, int c, int h, int w) =>
        h < 0 || h >= s.H || w < 0 || w >= s.W ? -1 : (((long)n * s.C + c) * s.H + h) * s.W + w;

    private static (int OutH, int OutW) Validate(float[] x, TensorShape xShape, int n, int kH, int kW, Conv2dParams p, float[] col)
    {
        ArgumentNullException.ThrowIfNull(p);
        var (rows, columns) = ColumnShape(xShape, kH, kW, p);
        if (n < 0 || n >= xShape.N)
            throw new ArgumentOutOfRangeException(nameof(n), n, $"{Op}: image index must be in [0, {xShape.N}) for x {xShape}");
        ReferenceChecks.Length(x, xShape, nameof(x), Op);
        ReferenceChecks.Length(col, rows * columns, nameof(col), Op);
        return p.OutputSize(xShape.H, xShape.W, kH, kW);
    }
}
