namespace CudaCnn.Ops;

/// <summary>Spatial batch normalization (one mean/variance per channel over N*H*W), PyTorch's conventions:
/// training normalizes with the biased batch variance and updates
/// running = (1 - Momentum) * running + Momentum * batch statistic, using the unbiased variance for running_var
/// (cuDNN's exponentialAverageFactor is Momentum). Defaults are PyTorch's: epsilon 1e-5, momentum 0.1.</summary>
public sealed record BatchNormParams
{
    public BatchNormParams(double epsilon = 1e-5, double momentum = 0.1)
    {
        if (!(epsilon >= 0) || !double.IsFinite(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"BatchNorm: epsilon must be finite and >= 0, got {epsilon}");
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"BatchNorm: momentum must be in [0, 1], got {momentum}");
        (Epsilon, Momentum) = (epsilon, momentum);
    }

    public double Epsilon { get; }
    public double Momentum { get; }
}
