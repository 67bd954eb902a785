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
            var taps = g.NewTaps();
            for (int k = 0; k < g.K; k++)
            for (int oh = 0; oh < g.OutH; oh++)
            for (int ow = 0; ow < g.OutW; ow++)
            {
                double sum = bias?[k] ?? 0.0;
                int count = g.Taps(n, k, oh, ow, taps);
                for (int t = 0; t < count; t++) sum += (double)x[taps.X[t]] * w[taps.W[t]];
                y[g.YIndex(n, k, oh, ow)] = (float)sum;
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
            var taps = g.NewTaps();
            for (int k = 0; k < g.K; k++)
            for (int oh = 0; oh < g.OutH; oh++)
            for (int ow = 0; ow < g.OutW; ow++)
            {
                double grad = dy[g.YIndex(n, k, oh, ow)];
                int count = g.Taps(n, k, oh, ow, taps);
                for (int t = 0; t < count; t++) acc[taps.X[t] - n * plane] += grad * w[taps.W[t]];
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
            var taps = g.NewTaps();
            for (int n = 0; n < xShape.N; n++)
            for (int oh = 0; oh < g.OutH; oh++)
            for (int ow = 0; ow < g.OutW; ow++)
            {
                double grad = dy[g.YIndex(n, k, oh, ow)];
                int count = g.Taps(n, k, oh, ow, taps);
                for (int t = 0; t < count; t++) acc[taps.W[t] - k * filter] += grad * x[taps.X[t]];
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

    private sealed record TapList(long[] X, long[] W);

    /// <summary>Validated shapes and the one loop nest every direction shares: the (x, w) index pairs of one output.</summary>
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

        public TapList NewTaps() => new(new long[WShape.Elements / K], new long[WShape.Elements / K]);

        /// <summary>Lists the (x index, w index) pairs of every filter tap of output (n, k, oh, ow) that lands inside x
        /// (taps on padding contribute zero and are left out); returns how many.</summary>
        public int Taps(int n, int k, int oh, int ow, TapList taps)
        {
            int count = 0;
            int cg = WShape.C, kH = WShape.H, kW = WShape.W, group = k / (K / P.Groups);
            int inC = XShape.C, inH = XShape.H, inW = XShape.W;
            int h0 = oh * P.StrideH - P.PadH, w0 = ow * P.StrideW - P.PadW, dH = P.DilationH, dW = P.DilationW;
            for (int c = 0; c < cg; c++)
            for (int kh = 0; kh < kH; kh++)
            {
                int ih = h0 + kh * dH;
                if (ih < 0 || ih >= inH) continue;
                for (int kw = 0; kw < kW; kw++)
                {
                    int iw = w0 + kw * dW;
                    if (iw < 0 || iw >= inW) continue;
                    taps.X[count] = (((long)n * inC + group * cg + c) * inH + ih) * inW + iw;
                    taps.W[count++] = (((long)k * cg + c) * kH + kh) * kW + kw;
                }
            }
            return count;
        }
    }
}
