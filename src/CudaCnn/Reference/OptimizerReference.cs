using CudaCnn.Ops;

namespace CudaCnn.Reference;

/// <summary>One optimizer step over a flat parameter buffer, PyTorch's formulas (torch.optim, default flags), each
/// element computed in double from its float state and stored back as float. step is 1-based (the first call is 1).
/// SGD:     g = grad + wd*p; if momentum != 0: buf = (step == 1 ? g : momentum*buf + (1 - dampening)*g),
///          g = nesterov ? g + momentum*buf : buf; p -= lr*g.
/// RMSprop: g = grad + wd*p; v = alpha*v + (1 - alpha)*g^2; d = g / (sqrt(v) + eps);
///          if momentum &gt; 0: buf = momentum*buf + d, p -= lr*buf; else p -= lr*d.
/// Adam:    g = grad + wd*p; m = beta1*m + (1 - beta1)*g; v = beta2*v + (1 - beta2)*g^2;
///          p -= (lr / (1 - beta1^step)) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps).
/// State buffers (buf, v, m) start at zero and belong to the caller.</summary>
public static class OptimizerReference
{
    private const string Op = "OptimizerReference";

    /// <param name="momentumBuffer">Required when Momentum != 0, else may be null.</param>
    public static void Sgd(float[] param, float[] grad, float[]? momentumBuffer, SgdParams p, int step)
    {
        Validate(param, grad, step);
        ArgumentNullException.ThrowIfNull(p);
        bool momentum = p.Momentum != 0;
        if (momentum) RequireBuffer(momentumBuffer, param.LongLength, $"SGD with momentum {p.Momentum}");
        for (long i = 0; i < param.LongLength; i++)
        {
            double g = grad[i] + p.WeightDecay * param[i];
            if (momentum)
            {
                double buf = step == 1 ? g : p.Momentum * momentumBuffer![i] + (1 - p.Dampening) * g;
                momentumBuffer![i] = (float)buf;
                g = p.Nesterov ? g + p.Momentum * buf : buf;
            }
            param[i] = (float)(param[i] - p.LearningRate * g);
        }
    }

    /// <param name="momentumBuffer">Required when Momentum &gt; 0, else may be null.</param>
    public static void RmsProp(float[] param, float[] grad, float[] squareAverage, float[]? momentumBuffer, RmsPropParams p)
    {
        Validate(param, grad, 1);
        ArgumentNullException.ThrowIfNull(p);
        ReferenceChecks.Length(squareAverage, param.LongLength, nameof(squareAverage), Op);
        bool momentum = p.Momentum > 0;
        if (momentum) RequireBuffer(momentumBuffer, param.LongLength, $"RMSprop with momentum {p.Momentum}");
        for (long i = 0; i < param.LongLength; i++)
        {
            double g = grad[i] + p.WeightDecay * param[i];
            double v = p.Alpha * squareAverage[i] + (1 - p.Alpha) * g * g;
            squareAverage[i] = (float)v;
            double d = g / (Math.Sqrt(v) + p.Epsilon);
            if (momentum)
            {
                d = p.Momentum * momentumBuffer![i] + d;
                momentumBuffer[i] = (float)d;
            }
            param[i] = (float)(param[i] - p.LearningRate * d);
        }
    }

    public static void Adam(float[] param, float[] grad, float[] firstMoment, float[] secondMoment, AdamParams p, int step)
    {
        Validate(param, grad, step);
        ArgumentNullException.ThrowIfNull(p);
        ReferenceChecks.Length(firstMoment, param.LongLength, nameof(firstMoment), Op);
        ReferenceChecks.Length(secondMoment, param.LongLength, nameof(secondMoment), Op);
        double stepSize = p.LearningRate / (1 - Math.Pow(p.Beta1, step));
        double secondCorrection = Math.Sqrt(1 - Math.Pow(p.Beta2, step));
        for (long i = 0; i < param.LongLength; i++)
        {
            double g = grad[i] + p.WeightDecay * param[i];
            double m = p.Beta1 * firstMoment[i] + (1 - p.Beta1) * g;
            double v = p.Beta2 * secondMoment[i] + (1 - p.Beta2) * g * g;
            firstMoment[i] = (float)m;
            secondMoment[i] = (float)v;
            param[i] = (float)(param[i] - stepSize * m / (Math.Sqrt(v) / secondCorrection + p.Epsilon));
        }
    }

    private static void RequireBuffer(float[]? momentumBuffer, long length, string what)
    {
        if (momentumBuffer is null)
            throw new ArgumentNullException(nameof(momentumBuffer), $"{Op}: {what} needs a momentum buffer of {length} elements");
        ReferenceChecks.Length(momentumBuffer, length, nameof(momentumBuffer), Op);
    }

    private static void Validate(float[] param, float[] grad, int step)
    {
        ArgumentNullException.ThrowIfNull(param);
        ReferenceChecks.Length(grad, param.LongLength, nameof(grad), Op);
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, $"{Op}: step counts from 1, got {step}");
    }
}
