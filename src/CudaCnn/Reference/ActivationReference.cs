using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Reference;

/// <summary>Element-wise activations, computed in double:
/// ReLU max(x, 0); leaky ReLU x &gt; 0 ? x : alpha*x; ELU x &gt; 0 ? x : alpha*(e^x - 1); tanh; sigmoid 1/(1 + e^-x).
/// Derivatives from the input x: ReLU [x &gt; 0]; leaky x &gt; 0 ? 1 : alpha; ELU x &gt; 0 ? 1 : alpha*e^x;
/// tanh 1 - tanh(x)^2; sigmoid s(x)(1 - s(x)). At x = 0 the x &lt;= 0 branch applies (as PyTorch).
/// Fused bias + activation over NCHW (or [N, F]): y = f(x + b[c]); its backward writes dx = dy * f'(x + b[c]) and
/// accumulates db[c] += sum over n, h, w of that. Backward: dx written (=), db accumulated (+=).</summary>
public static class ActivationReference
{
    private const string Op = "ActivationReference";

    public static double Apply(ActivationParams a, double x) => a.Kind switch
    {
        ActivationKind.Identity => x,
        ActivationKind.ReLU => x > 0 ? x : 0,
        ActivationKind.LeakyReLU => x > 0 ? x : a.Alpha * x,
        ActivationKind.ELU => x > 0 ? x : a.Alpha * (Math.Exp(x) - 1),
        ActivationKind.Tanh => Math.Tanh(x),
        ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
        _ => throw new ArgumentOutOfRangeException(nameof(a), a.Kind, $"{Op}: unknown activation"),
    };

    public static double Derivative(ActivationParams a, double x) => a.Kind switch
    {
        ActivationKind.Identity => 1,
        ActivationKind.ReLU => x > 0 ? 1 : 0,
        ActivationKind.LeakyReLU => x > 0 ? 1 : a.Alpha,
        ActivationKind.ELU => x > 0 ? 1 : a.Alpha * Math.Exp(x),
        ActivationKind.Tanh => 1 - Math.Tanh(x) * Math.Tanh(x),
        ActivationKind.Sigmoid => Apply(a, x) * (1 - Apply(a, x)),
        _ => throw new ArgumentOutOfRangeException(nameof(a), a.Kind, $"{Op}: unknown activation"),
    };

    public static void Forward(float[] x, float[] y, ActivationParams a)
    {
        ArgumentNullException.ThrowIfNull(x);
        ReferenceChecks.Length(y, x.LongLength, nameof(y), Op);
        for (long i = 0; i < x.LongLength; i++) y[i] = (float)Apply(a, x[i]);
    }

    public static void Backward(float[] x, float[] dy, float[] dx, ActivationParams a)
    {
        ArgumentNullException.ThrowIfNull(x);
        ReferenceChecks.Length(dy, x.LongLength, nameof(dy), Op);
        ReferenceChecks.Length(dx, x.LongLength, nameof(dx), Op);
        for (long i = 0; i < x.LongLength; i++) dx[i] = (float)(dy[i] * Derivative(a, x[i]));
    }

    /// <summary>y = f(x + bias[c]) with c the channel (axis 1) of each element.</summary>
    public static void BiasActivationForward(float[] x, TensorShape shape, float[] bias, float[] y, ActivationParams a)
    {
        Validate(x, shape, bias, y, nameof(y));
        long plane = (long)shape.H * shape.W;
        for (long i = 0; i < x.LongLength; i++) y[i] = (float)Apply(a, (double)x[i] + bias[i / plane % shape.C]);
    }

    /// <summary>dx = dy * f'(x + bias[c]) (written); dBias[c] += its sum over n, h, w.</summary>
    public static void BiasActivationBackward(float[] x, TensorShape shape, float[] bias, float[] dy, float[] dx, float[] dBias,
        ActivationParams a)
    {
        Validate(x, shape, bias, dy, nameof(dy));
        ReferenceChecks.Length(dx, shape, nameof(dx), Op);
        ReferenceChecks.Length(dBias, shape.C, nameof(dBias), Op);
        long plane = (long)shape.H * shape.W;
        var sums = new double[shape.C];
        for (long i = 0; i < x.LongLength; i++)
        {
            long c = i / plane % shape.C;
            double g = dy[i] * Derivative(a, (double)x[i] + bias[c]);
            dx[i] = (float)g;
            sums[c] += g;
        }
        for (int c = 0; c < shape.C; c++) dBias[c] += (float)sums[c];
    }

    private static void Validate(float[] x, TensorShape shape, float[] bias, float[] y, string yName)
    {
        ReferenceChecks.Length(x, shape, nameof(x), Op);
        ReferenceChecks.Length(bias, shape.C, nameof(bias), Op);
        ReferenceChecks.Length(y, shape, yName, Op);
    }
}
