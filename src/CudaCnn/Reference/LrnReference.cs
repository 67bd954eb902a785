using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Reference;

/// <summary>Local response normalization across channels (cuDNN CUDNN_LRN_CROSS_CHANNEL_DIM1), NCHW:
/// s[c] = k + a * sum_{j in W(c)} x[j]^2, y[c] = x[c] * s[c]^-beta, with W(c) = [c - LookBehind, c + LookAhead]
/// clipped to [0, C), and a = alpha / n (cuDNN) or alpha (AlexNet paper variant); see LrnParams.
/// Backward (dx written): dx[i] = dy[i] * s[i]^-beta - 2 * a * beta * x[i] * sum_{c : i in W(c)} dy[c] * y[c] / s[c],
/// where i in W(c) iff c in [i - LookAhead, i + LookBehind]. The scale s is recomputed from x in double.</summary>
public static class LrnReference
{
    private const string Op = "LrnReference";

    public static void Forward(float[] x, TensorShape shape, LrnParams p, float[] y)
    {
        Validate(x, nameof(x), shape, p, y, nameof(y));
        ForEachColumn(shape, (column, stride) =>
        {
            var s = Scales(x, shape.C, column, stride, p);
            for (int c = 0; c < shape.C; c++)
            {
                long i = column + c * stride;
                y[i] = (float)(x[i] * Math.Pow(s[c], -p.Beta));
            }
        });
    }

    public static void Backward(float[] x, float[] dy, TensorShape shape, LrnParams p, float[] dx)
    {
        Validate(x, nameof(x), shape, p, dy, nameof(dy));
        ReferenceChecks.Length(dx, shape, nameof(dx), Op);
        ForEachColumn(shape, (column, stride) =>
        {
            var s = Scales(x, shape.C, column, stride, p);
            // t[c] = dy[c] * y[c] / s[c] = dy[c] * x[c] * s[c]^(-beta - 1)
            var t = new double[shape.C];
            for (int c = 0; c < shape.C; c++)
            {
                long i = column + c * stride;
                t[c] = dy[i] * (double)x[i] * Math.Pow(s[c], -p.Beta - 1);
            }
            for (int c = 0; c < shape.C; c++)
            {
                double sum = 0;
                for (int j = Math.Max(0, c - p.LookAhead); j <= Math.Min(shape.C - 1, c + p.LookBehind); j++) sum += t[j];
                long i = column + c * stride;
                dx[i] = (float)(dy[i] * Math.Pow(s[c], -p.Beta) - 2 * p.SumScale * p.Beta * x[i] * sum);
            }
        });
    }

    /// <summary>s[c] for the channel column of one (n, h, w): k + a * window sum of squares.</summary>
    private static double[] Scales(float[] x, int channels, long column, long stride, LrnParams p)
    {
        var s = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int j = Math.Max(0, c - p.LookBehind); j <= Math.Min(channels - 1, c + p.LookAhead); j++)
            {
                double v = x[column + j * stride];
                sum += v * v;
            }
            s[c] = p.K + p.SumScale * sum;
        }
        return s;
    }

    /// <summary>Visits each (n, h, w) as (index of channel 0, distance between channels).</summary>
    private static void ForEachColumn(TensorShape shape, Action<long, long> visit)
    {
        long plane = (long)shape.H * shape.W;
        Parallel.For(0, shape.N, n =>
        {
            for (long hw = 0; hw < plane; hw++) visit(n * shape.C * plane + hw, plane);
        });
    }

    private static void Validate(float[] x, string xName, TensorShape shape, LrnParams p, float[] y, string yName)
    {
        ArgumentNullException.ThrowIfNull(p);
        WindowGeometry.RequireRank4(shape, nameof(shape), Op);
        ReferenceChecks.Length(x, shape, xName, Op);
        ReferenceChecks.Length(y, shape, yName, Op);
    }
}
