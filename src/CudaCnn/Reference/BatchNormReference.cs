using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Reference;

/// <summary>Spatial batch normalization over NCHW (statistics per channel over m = N*H*W values), in double:
/// training: mean = (1/m) sum x, var = (1/m) sum (x - mean)^2 (biased), invStd = 1 / sqrt(var + eps),
/// y = gamma * (x - mean) * invStd + beta; running_mean = (1 - momentum) * running_mean + momentum * mean,
/// running_var = (1 - momentum) * running_var + momentum * var * m / (m - 1) (unbiased); saves mean and invStd.
/// evaluation: y = gamma * (x - running_mean) / sqrt(running_var + eps) + beta.
/// Backward from the saved mean and invStd, with xhat = (x - mean) * invStd:
/// dBeta += sum dy, dGamma += sum dy * xhat, dx = gamma * invStd / m * (m * dy - sum dy - xhat * sum dy * xhat) (written).</summary>
public static class BatchNormReference
{
    private const string Op = "BatchNormReference";

    public static void TrainingForward(float[] x, TensorShape shape, float[] gamma, float[] beta, BatchNormParams p, float[] y,
        float[] runningMean, float[] runningVar, float[] saveMean, float[] saveInvStd)
    {
        Validate(x, nameof(x), shape, gamma, beta, y, nameof(y));
        foreach (var (array, name) in new[] { (runningMean, nameof(runningMean)), (runningVar, nameof(runningVar)), (saveMean, nameof(saveMean)), (saveInvStd, nameof(saveInvStd)) })
            ReferenceChecks.Length(array, shape.C, name, Op);
        long m = (long)shape.N * shape.H * shape.W;
        if (m < 2)
            throw new ArgumentException($"{Op}: training needs more than one value per channel (N*H*W = {m} for {shape}); the unbiased variance is undefined", nameof(shape));
        for (int c = 0; c < shape.C; c++)
        {
            double sum = 0, squares = 0;
            ForEachInChannel(shape, c, i => sum += x[i]);
            double mean = sum / m;
            ForEachInChannel(shape, c, i => squares += (x[i] - mean) * (x[i] - mean));
            double variance = squares / m, invStd = 1 / Math.Sqrt(variance + p.Epsilon);
            ForEachInChannel(shape, c, i => y[i] = (float)(gamma[c] * (x[i] - mean) * invStd + beta[c]));
            runningMean[c] = (float)((1 - p.Momentum) * runningMean[c] + p.Momentum * mean);
            runningVar[c] = (float)((1 - p.Momentum) * runningVar[c] + p.Momentum * squares / (m - 1));
            saveMean[c] = (float)mean;
            saveInvStd[c] = (float)invStd;
        }
    }

    public static void EvalForward(float[] x, TensorShape shape, float[] gamma, float[] beta, float[] runningMean, float[] runningVar,
        BatchNormParams p, float[] y)
    {
        Validate(x, nameof(x), shape, gamma, beta, y, nameof(y));
        ReferenceChecks.Length(runningMean, shape.C, nameof(runningMean), Op);
        ReferenceChecks.Length(runningVar, shape.C, nameof(runningVar), Op);
        for (int c = 0; c < shape.C; c++)
        {
            double invStd = 1 / Math.Sqrt(runningVar[c] + p.Epsilon);
            ForEachInChannel(shape, c, i => y[i] = (float)(gamma[c] * (x[i] - (double)runningMean[c]) * invStd + beta[c]));
        }
    }

    public static void Backward(float[] x, float[] dy, TensorShape shape, float[] gamma, float[] saveMean, float[] saveInvStd,
        float[] dx, float[] dGamma, float[] dBeta)
    {
        Validate(x, nameof(x), shape, gamma, dGamma, dy, nameof(dy));
        ReferenceChecks.Length(dx, shape, nameof(dx), Op);
        ReferenceChecks.Length(dBeta, shape.C, nameof(dBeta), Op);
        ReferenceChecks.Length(saveMean, shape.C, nameof(saveMean), Op);
        ReferenceChecks.Length(saveInvStd, shape.C, nameof(saveInvStd), Op);
        long m = (long)shape.N * shape.H * shape.W;
        for (int c = 0; c < shape.C; c++)
        {
            double mean = saveMean[c], invStd = saveInvStd[c], sumDy = 0, sumDyXhat = 0;
            ForEachInChannel(shape, c, i =>
            {
                sumDy += dy[i];
                sumDyXhat += dy[i] * (x[i] - mean) * invStd;
            });
            ForEachInChannel(shape, c, i =>
            {
                double xhat = (x[i] - mean) * invStd;
                dx[i] = (float)(gamma[c] * invStd / m * (m * (double)dy[i] - sumDy - xhat * sumDyXhat));
            });
            dGamma[c] += (float)sumDyXhat;
            dBeta[c] += (float)sumDy;
        }
    }

    /// <summary>Visits the flat index of every element of channel c.</summary>
    private static void ForEachInChannel(TensorShape shape, int c, Action<long> visit)
    {
        long plane = (long)shape.H * shape.W;
        for (int n = 0; n < shape.N; n++)
        {
            long start = ((long)n * shape.C + c) * plane;
            for (long i = 0; i < plane; i++) visit(start + i);
        }
    }

    private static void Validate(float[] x, string xName, TensorShape shape, float[] gamma, float[] beta, float[] y, string yName)
    {
        if (shape.Rank < 2)
            throw new ArgumentException($"{Op}: x must be [N, C] or [N, C, H, W], got {shape}", nameof(shape));
        ReferenceChecks.Length(x, shape, xName, Op);
        ReferenceChecks.Length(gamma, shape.C, nameof(gamma), Op);
        ReferenceChecks.Length(beta, shape.C, nameof(beta), Op);
        ReferenceChecks.Length(y, shape, yName, Op);
    }
}
