using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Reference;

/// <summary>2-D convolution (cross-correlation, as CNNs compute it), NCHW, direct loops, double accumulators.
/// y[n,k,oh,ow] = b[k] + sum_{c,kh,kw} x[n, g*Cg + c, oh*sH - pH + kh*dH, ow*sW - pW + kw*dW] * w[k,c,kh,kw]
/// with g = k / Kg the group of output channel k, Cg = C / groups, Kg = K / groups, and x = 0 outside the input.
/// Backward: dx is written (=); dw and db accumulate (+=).</summary>
public static class ConvolutionReference
{
    private const string Op = "ConvolutionReference";

    /// <summary>y = conv(x, w) + bias (bias may be null). Returns y's shape.</summary>
    public static TensorShape Forward(float[] x, TensorShape xShape, float[] w, TensorShape wShape, float[]? bias,
        Conv2dParams p, float[] y)
    {
        var g = Geometry.Of(xShape, wShape, p, x, w, bias, y, nameof(y));
        Parallel.For(0, xShape.N, n =>
        {
            var acc = new double[g.OutH * g.OutW];
            for (int k = 0; k < g.K; k++)
            {
                Array.Fill(acc, bias?[k] ?? 0.0);
                // Per output, the taps are summed in (c, kh, kw) order, as the formula reads.
                g.ForEachTap(n, k, (xPlane, wIndex, ih0, iw0) =>
                {
                    double weight = w[wIndex];
                    var (oh0, oh1, ow0, ow1) = g.Inside(ih0, iw0);
                    for (int oh = oh0; oh < oh1; oh++)
                    {
                        long xRow = xPlane + g.XOffset(oh, 0, ih0, iw0);
                        for (int ow = ow0; ow < ow1; ow++) acc[oh * g.OutW + ow] += (double)x[xRow + ow * p.StrideW] * weight;
                    }
                });
                long y0 = g.YIndex(n, k, 0, 0);
                for (int o = 0; o < acc.Length; o++) y[y0 + o] = (float)acc[o];
            }
        });
        return g.YShape;
    }

    /// <summary>dx = d(sum dy * y)/dx, written (=).</summary>
    public static void BackwardData(float[] dy, float[] w, TensorShape wShape, Conv2dParams p, float[] dx, TensorShape xShape)
    {
        var g = Geometry.Of(xShape, wShape, p, dx, w, null, dy, nameof(dy));
        long plane = (long)xShape.C * xShape.H * xShape.W;
        Parallel.For(0, xShape.N, n =>
        {
            var acc = new double[plane];
            for (int k = 0; k < g.K; k++)
            {
                long y0 = g.YIndex(n, k, 0, 0);
                g.ForEachTap(n, k, (xPlane, wIndex, ih0, iw0) =>
                {
                    double weight = w[wIndex];
                    var (oh0, oh1, ow0, ow1) = g.Inside(ih0, iw0);
                    for (int oh = oh0; oh < oh1; oh++)
                    {
                        long xRow = xPlane - n * plane + g.XOffset(oh, 0, ih0, iw0);
                        for (int ow = ow0; ow < ow1; ow++) acc[xRow + ow * p.StrideW] += dy[y0 + oh * g.OutW + ow] * weight;
                    }
                });
            }
            for (long i = 0; i < plane; i++) dx[n * plane + i] = (float)acc[i];
        });
    }

    /// <summary>dw += d(sum dy * y)/dw.</summary>
    public static void BackwardFilter(float[] x, TensorShape xShape, float[] dy, Conv2dParams p, float[] dw, TensorShape wShape)
    {
        var g = Geometry.Of(xShape, wShape, p, x, dw, null, dy, nameof(dy));
        long filter = (long)wShape.C * wShape.H * wShape.W;
        Parallel.For(0, g.K, k =>
        {
            var acc = new double[filter];
            for (int n = 0; n < xShape.N; n++)
            {
                long y0 = g.YIndex(n, k, 0, 0);
                g.ForEachTap(n, k, (xPlane, wIndex, ih0, iw0) =>
                {
                    double sum = 0;
                    var (oh0, oh1, ow0, ow1) = g.Inside(ih0, iw0);
                    for (int oh = oh0; oh < oh1; oh++)
                    {
                        long xRow = xPlane + g.XOffset(oh, 0, ih0, iw0);
                        for (int ow = ow0; ow < ow1; ow++) sum += (double)dy[y0 + oh * g.OutW + ow] * x[xRow + ow * p.StrideW];
                    }
                    acc[wIndex - k * filter] += sum;
                });
            }
            for (long i = 0; i < filter; i++) dw[k * filter + i] += (float)acc[i];
        });
    }

    /// <summary>db[k] += sum over n, h, w of dy[n, k, h, w].</summary>
    public static void BackwardBias(float[] dy, TensorShape yShape, float[] db)
    {
        WindowGeometry.RequireRank4(yShape, nameof(yShape), Op);
        ReferenceChecks.Length(dy, yShape, nameof(dy), Op);
        ReferenceChecks.Length(db, yShape.C, nameof(db), Op);
        int plane = yShape.H * yShape.W;
        for (int k = 0; k < yShape.C; k++)
        {
            double sum = 0;
            for (int n = 0; n < yShape.N; n++)
                for (int i = 0; i < plane; i++) sum += dy[((long)n * yShape.C + k) * plane + i];
            db[k] += (float)sum;
        }
    }

    /// <summary>One filter tap of output channel k over sample n: the start of its input plane in x, its index in w,
    /// and the input coordinates (ih0, iw0) that output (0, 0) reads (outside the input where padding is).</summary>
    private delegate void TapVisitor(long xPlane, long wIndex, int ih0, int iw0);

    /// <summary>Validated shapes and the loop nests every direction shares.</summary>
    private readonly record struct Geometry(TensorShape XShape, TensorShape WShape, TensorShape YShape, Conv2dParams P)
    {
        public int K => WShape.N;
        public int OutH => YShape.H;
        public int OutW => YShape.W;

        public static Geometry Of(TensorShape xShape, TensorShape wShape, Conv2dParams p, float[] x, float[] w,
            float[]? bias, float[] y, string yName)
        {
            ArgumentNullException.ThrowIfNull(p);
            var yShape = p.OutputShape(xShape, wShape);
            ReferenceChecks.Length(x, xShape, "x", Op);
            ReferenceChecks.Length(w, wShape, "w", Op);
            ReferenceChecks.Length(y, yShape, yName, Op);
            if (bias is not null) ReferenceChecks.Length(bias, wShape.N, nameof(bias), Op);
            return new Geometry(xShape, wShape, yShape, p);
        }

        public long YIndex(int n, int k, int oh, int ow) => (((long)n * K + k) * OutH + oh) * OutW + ow;

        /// <summary>Visits the filter taps of output channel k (its group's input channels c, then kh, then kw).</summary>
        public void ForEachTap(int n, int k, TapVisitor visit)
        {
            int cg = WShape.C, kH = WShape.H, kW = WShape.W, group = k / (K / P.Groups);
            for (int c = 0; c < cg; c++)
            for (int kh = 0; kh < kH; kh++)
            for (int kw = 0; kw < kW; kw++)
                visit(((long)n * XShape.C + group * cg + c) * XShape.H * XShape.W, (((long)k * cg + c) * kH + kh) * kW + kw,
                    kh * P.DilationH - P.PadH, kw * P.DilationW - P.PadW);
        }

        /// <summary>The outputs [oh0, oh1) x [ow0, ow1) whose tap at offset (ih0, iw0) lands inside x, i.e. reads
        /// input (oh * sH + ih0, ow * sW + iw0) with 0 &lt;= ih &lt; H and 0 &lt;= iw &lt; W; taps on padding contribute zero
        /// and are left out.</summary>
        public (int Oh0, int Oh1, int Ow0, int Ow1) Inside(int ih0, int iw0)
        {
            var (oh0, oh1) = Range(ih0, P.StrideH, XShape.H, OutH);
            var (ow0, ow1) = Range(iw0, P.StrideW, XShape.W, OutW);
            return (oh0, oh1, ow0, ow1);
        }

        /// <summary>Offset of input (oh * sH + ih0, ow * sW + iw0) within its plane.</summary>
        public long XOffset(int oh, int ow, int ih0, int iw0) => (long)(oh * P.StrideH + ih0) * XShape.W + ow * P.StrideW + iw0;

        /// <summary>Outputs o in [0, count) with 0 &lt;= o * stride + offset &lt; size.</summary>
        private static (int Lo, int Hi) Range(int offset, int stride, int size, int count)
        {
            int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
            int hi = offset >= size ? 0 : Math.Min(count, (size - 1 - offset) / stride + 1);
            return (lo, Math.Max(lo, hi));
        }
    }
}
