namespace CudaCnn.Ops;

public enum ActivationKind
{
    Identity,
    /// <summary>max(x, 0); derivative 1 for x &gt; 0, else 0.</summary>
    ReLU,
    /// <summary>x for x &gt; 0, else Alpha * x (Alpha = negative slope).</summary>
    LeakyReLU,
    /// <summary>x for x &gt; 0, else Alpha * (exp(x) - 1).</summary>
    ELU,
    Tanh,
    /// <summary>1 / (1 + exp(-x)).</summary>
    Sigmoid,
}

/// <summary>An element-wise activation. Alpha is the negative slope of leaky ReLU (default 0.01) or the ELU scale
/// (default 1); the other kinds ignore it. At x = 0 every kind uses its x &lt;= 0 branch's derivative (as PyTorch).</summary>
public sealed record ActivationParams
{
    public ActivationParams(ActivationKind kind, double? alpha = null)
    {
        if (!Enum.IsDefined(kind))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Activation: unknown kind");
        double value = alpha ?? (kind == ActivationKind.ELU ? 1.0 : 0.01);
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"Activation: alpha must be finite, got {alpha}");
        (Kind, Alpha) = (kind, value);
    }

    public ActivationKind Kind { get; }
    public double Alpha { get; }

    public static ActivationParams Identity { get; } = new(ActivationKind.Identity);
    public static ActivationParams ReLU { get; } = new(ActivationKind.ReLU);
    public static ActivationParams Tanh { get; } = new(ActivationKind.Tanh);
    public static ActivationParams Sigmoid { get; } = new(ActivationKind.Sigmoid);
}
