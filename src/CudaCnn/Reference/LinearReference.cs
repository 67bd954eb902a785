using CudaCnn.Runtime;

namespace CudaCnn.Reference;

/// <summary>Fully connected layer: x is [N, ...] read as N rows of F = C*H*W features (flattened NCHW), weight is
/// [Out, F] (PyTorch's layout), y[n, o] = b[o] + sum_f x[n, f] * w[o, f]. Parameters: Out*F weights + Out biases.
/// Backward: dx[n, f] = sum_o dy[n, o] * w[o, f] (written); dw[o, f] += sum_n dy[n, o] * x[n, f]; db[o] += sum_n dy[n, o].</summary>
public static class LinearReference
{
    private const string Op = "LinearReference";

    /// <summary>y's shape [N, Out], after checking that x's features match the weight's [Out, F].</summary>
    public static TensorShape OutputShape(TensorShape x, TensorShape weight)
    {
        if (weight.Rank != 2)
            throw new ArgumentException($"{Op}: weight must be [out, in], got {weight}", nameof(weight));
        long features = x.Elements / x.N;
        if (features != weight.C)
            throw new ArgumentException($"{Op}: x has {features} features per sample, the weight expects {weight.C} (x: {x}, weight: {weight})", nameof(x));
        return new TensorShape(x.N, weight.N);
    }

    public static void Forward(float[] x, TensorShape xShape, float[] w, TensorShape wShape, float[]? bias, float[] y)
    {
        Validate(x, xShape, w, wShape, y, nameof(y));
        if (bias is not null) ReferenceChecks.Length(bias, wShape.N, nameof(bias), Op);
        int features = wShape.C, outputs = wShape.N;
        Parallel.For(0, xShape.N, n =>
        {
            for (int o = 0; o < outputs; o++)
            {
                double sum = bias?[o] ?? 0.0;
                for (int f = 0; f < features; f++) sum += (double)x[(long)n * features + f] * w[(long)o * features + f];
                y[(long)n * outputs + o] = (float)sum;
            }
        });
    }

    public static void BackwardData(float[] dy, float[] w, TensorShape wShape, float[] dx, TensorShape xShape)
    {
        Validate(dx, xShape, w, wShape, dy, nameof(dy));
        int features = wShape.C, outputs = wShape.N;
        Parallel.For(0, xShape.N, n =>
        {
            for (int f = 0; f < features; f++)
            {
                double sum = 0;
                for (int o = 0; o < outputs; o++) sum += (double)dy[(long)n * outputs + o] * w[(long)o * features + f];
                dx[(long)n * features + f] = (float)sum;
            }
        });
    }

    public static void BackwardWeight(float[] x, TensorShape xShape, float[] dy, float[] dw, TensorShape wShape)
    {
        Validate(x, xShape, dw, wShape, dy, nameof(dy));
        int features = wShape.C, outputs = wShape.N;
        Parallel.For(0, outputs, o =>
        {
            for (int f = 0; f < features; f++)
            {
                double sum = 0;
                for (int n = 0; n < xShape.N; n++) sum += (double)dy[(long)n * outputs + o] * x[(long)n * features + f];
                dw[(long)o * features + f] += (float)sum;
            }
        });
    }

    public static void BackwardBias(float[] dy, int batch, float[] db)
    {
        ArgumentNullException.ThrowIfNull(db);
        ReferenceChecks.Length(dy, (long)batch * db.Length, nameof(dy), Op);
        for (int o = 0; o < db.Length; o++)
        {
            double sum = 0;
            for (int n = 0; n < batch; n++) sum += dy[(long)n * db.Length + o];
            db[o] += (float)sum;
        }
    }

    private static void Validate(float[] x, TensorShape xShape, float[] w, TensorShape wShape, float[] y, string yName)
    {
        ReferenceChecks.Length(x, xShape, "x", Op);
        ReferenceChecks.Length(w, wShape, "w", Op);
        ReferenceChecks.Length(y, OutputShape(xShape, wShape), yName, Op);
    }
}
