using CudaCnn.Runtime;

namespace CudaCnn.Reference;

/// <summary>Softmax over the channel axis for each (n, h, w) (cuDNN's CHANNEL mode; for [N, C] logits, over classes),
/// numerically stable: y[c] = exp(x[c] - max) / sum_j exp(x[j] - max), in double.
/// Backward (dx written): dx[c] = y[c] * (dy[c] - sum_j dy[j] * y[j]).
/// Cross-entropy on logits [N, C] with labels in [0, C): loss = (1/N) sum_n (logsumexp(x[n]) - x[n, label[n]]);
/// its gradient (written) is dLogits[n, c] = dLoss * (softmax(x[n])[c] - [c = label[n]]) / N.</summary>
public static class SoftmaxReference
{
    private const string Op = "SoftmaxReference";

    public static void Forward(float[] x, TensorShape shape, float[] y)
    {
        Validate(x, nameof(x), shape, y, nameof(y));
        ForEachColumn(shape, (start, stride) =>
        {
            var p = Probabilities(x, start, stride, shape.C);
            for (int c = 0; c < shape.C; c++) y[start + c * stride] = (float)p[c];
        });
    }

    public static void Backward(float[] y, float[] dy, TensorShape shape, float[] dx)
    {
        Validate(y, nameof(y), shape, dy, nameof(dy));
        ReferenceChecks.Length(dx, shape, nameof(dx), Op);
        ForEachColumn(shape, (start, stride) =>
        {
            double dot = 0;
            for (int c = 0; c < shape.C; c++) dot += (double)dy[start + c * stride] * y[start + c * stride];
            for (int c = 0; c < shape.C; c++)
            {
                long i = start + c * stride;
                dx[i] = (float)(y[i] * (dy[i] - dot));
            }
        });
    }

    /// <summary>Mean cross-entropy of logits [N, C] (or [N, C, 1, 1]) against labels.</summary>
    public static float CrossEntropyForward(float[] logits, TensorShape shape, int[] labels)
    {
        ValidateLogits(logits, shape, labels);
        double total = 0;
        for (int n = 0; n < shape.N; n++)
        {
            long start = (long)n * shape.C;
            double max = Max(logits, start, 1, shape.C), sum = 0;
            for (int c = 0; c < shape.C; c++) sum += Math.Exp(logits[start + c] - max);
            total += max + Math.Log(sum) - logits[start + labels[n]];
        }
        return (float)(total / shape.N);
    }

    /// <summary>dLogits = dLoss * (softmax - one_hot(labels)) / N, written.</summary>
    public static void CrossEntropyBackward(float[] logits, TensorShape shape, int[] labels, float[] dLogits, float dLoss = 1f)
    {
        ValidateLogits(logits, shape, labels);
        ReferenceChecks.Length(dLogits, shape, nameof(dLogits), Op);
        for (int n = 0; n < shape.N; n++)
        {
            long start = (long)n * shape.C;
            var p = Probabilities(logits, start, 1, shape.C);
            for (int c = 0; c < shape.C; c++)
                dLogits[start + c] = (float)(dLoss * (p[c] - (c == labels[n] ? 1 : 0)) / shape.N);
        }
    }

    private static double[] Probabilities(float[] x, long start, long stride, int count)
    {
        double max = Max(x, start, stride, count), sum = 0;
        var p = new double[count];
        for (int c = 0; c < count; c++) sum += p[c] = Math.Exp(x[start + c * stride] - max);
        for (int c = 0; c < count; c++) p[c] /= sum;
        return p;
    }

    private static double Max(float[] x, long start, long stride, int count)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < count; c++) max = Math.Max(max, x[start + c * stride]);
        return max;
    }

    /// <summary>Visits each (n, h, w) as (index of channel 0, distance between channels).</summary>
    private static void ForEachColumn(TensorShape shape, Action<long, long> visit)
    {
        long plane = (long)shape.H * shape.W;
        for (int n = 0; n < shape.N; n++)
            for (long hw = 0; hw < plane; hw++) visit(n * shape.C * plane + hw, plane);
    }

    private static void Validate(float[] x, string xName, TensorShape shape, float[] y, string yName)
    {
        if (shape.Rank < 2)
            throw new ArgumentException($"{Op}: softmax runs over axis 1, so the shape needs rank >= 2, got {shape}", nameof(shape));
        ReferenceChecks.Length(x, shape, xName, Op);
        ReferenceChecks.Length(y, shape, yName, Op);
    }

    private static void ValidateLogits(float[] logits, TensorShape shape, int[] labels)
    {
        if (shape.Rank < 2 || shape.H * shape.W != 1)
            throw new ArgumentException($"{Op}: cross-entropy logits must be [N, C] or [N, C, 1, 1], got {shape}", nameof(shape));
        ReferenceChecks.Length(logits, shape, nameof(logits), Op);
        ReferenceChecks.Length(labels, shape.N, nameof(labels), Op);
        for (int n = 0; n < labels.Length; n++)
            if (labels[n] < 0 || labels[n] >= shape.C)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[n], $"{Op}: labels[{n}] = {labels[n]} is outside [0, {shape.C}) for logits {shape}");
    }
}
