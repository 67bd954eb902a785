namespace CudaCnn.Ops;

/// <summary>torch.optim.SGD: g = grad + WeightDecay * p; with Momentum != 0, buf = g on the first step, else
/// buf = Momentum * buf + (1 - Dampening) * g, and g = Nesterov ? g + Momentum * buf : buf; p -= LearningRate * g.</summary>
public sealed record SgdParams
{
    public SgdParams(double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
    {
        OptimizerChecks.NonNegative(learningRate, nameof(learningRate), "SGD");
        OptimizerChecks.NonNegative(momentum, nameof(momentum), "SGD");
        OptimizerChecks.NonNegative(dampening, nameof(dampening), "SGD");
        OptimizerChecks.NonNegative(weightDecay, nameof(weightDecay), "SGD");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException($"SGD: Nesterov momentum requires momentum > 0 and dampening 0, got momentum {momentum}, dampening {dampening}");
        (LearningRate, Momentum, Dampening, WeightDecay, Nesterov) = (learningRate, momentum, dampening, weightDecay, nesterov);
    }

    public double LearningRate { get; }
    public double Momentum { get; }
    public double Dampening { get; }
    public double WeightDecay { get; }
    public bool Nesterov { get; }
}

/// <summary>torch.optim.RMSprop (centered = false): g = grad + WeightDecay * p;
/// v = Alpha * v + (1 - Alpha) * g^2; d = g / (sqrt(v) + Epsilon);
/// with Momentum &gt; 0: buf = Momentum * buf + d, p -= LearningRate * buf; else p -= LearningRate * d.</summary>
public sealed record RmsPropParams
{
    public RmsPropParams(double learningRate = 0.01, double alpha = 0.99, double epsilon = 1e-8, double weightDecay = 0, double momentum = 0)
    {
        OptimizerChecks.NonNegative(learningRate, nameof(learningRate), "RMSprop");
        OptimizerChecks.UnitInterval(alpha, nameof(alpha), "RMSprop");
        OptimizerChecks.NonNegative(epsilon, nameof(epsilon), "RMSprop");
        OptimizerChecks.NonNegative(weightDecay, nameof(weightDecay), "RMSprop");
        OptimizerChecks.NonNegative(momentum, nameof(momentum), "RMSprop");
        (LearningRate, Alpha, Epsilon, WeightDecay, Momentum) = (learningRate, alpha, epsilon, weightDecay, momentum);
    }

    public double LearningRate { get; }
    public double Alpha { get; }
    public double Epsilon { get; }
    public double WeightDecay { get; }
    public double Momentum { get; }
}

/// <summary>torch.optim.Adam (amsgrad = false, L2 weight decay, not AdamW): at step t (1-based) g = grad + WeightDecay * p;
/// m = Beta1 * m + (1 - Beta1) * g; v = Beta2 * v + (1 - Beta2) * g^2;
/// p -= (LearningRate / (1 - Beta1^t)) * m / (sqrt(v) / sqrt(1 - Beta2^t) + Epsilon).</summary>
public sealed record AdamParams
{
    public AdamParams(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
    {
        OptimizerChecks.NonNegative(learningRate, nameof(learningRate), "Adam");
        OptimizerChecks.UnitInterval(beta1, nameof(beta1), "Adam");
        OptimizerChecks.UnitInterval(beta2, nameof(beta2), "Adam");
        OptimizerChecks.NonNegative(epsilon, nameof(epsilon), "Adam");
        OptimizerChecks.NonNegative(weightDecay, nameof(weightDecay), "Adam");
        (LearningRate, Beta1, Beta2, Epsilon, WeightDecay) = (learningRate, beta1, beta2, epsilon, weightDecay);
    }

    public double LearningRate { get; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    public double WeightDecay { get; }
}

internal static class OptimizerChecks
{
    public static void NonNegative(double value, string name, string owner)
    {
        if (!(value >= 0) || !double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be finite and >= 0, got {value}");
    }

    public static void UnitInterval(double value, string name, string owner)
    {
        if (!(value >= 0 && value < 1))
            throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be in [0, 1), got {value}");
    }
}
