namespace CudaCnn.Ops;

/// <summary>How LRN's alpha enters the denominator.</summary>
public enum LrnVariant
{
    /// <summary>cuDNN, Caffe and PyTorch: the window sum is scaled by alpha / n.</summary>
    CuDnn,
    /// <summary>The AlexNet paper (Krizhevsky et al. 2012, section 3.3): the window sum is scaled by alpha itself.
    /// Equivalent to <see cref="CuDnn"/> with alpha * n.</summary>
    AlexNetPaper,
}

/// <summary>Local response normalization across channels:
/// y[n,c,h,w] = x[n,c,h,w] / (k + a * sum_{j = c - LookBehind .. c + LookAhead, 0 &lt;= j &lt; C} x[n,j,h,w]^2)^beta
/// with a = alpha / n (<see cref="LrnVariant.CuDnn"/>) or a = alpha (<see cref="LrnVariant.AlexNetPaper"/>);
/// LookBehind = floor((n - 1) / 2), LookAhead = n - LookBehind - 1 (cuDNN's window: n = 5 is c-2..c+2, n = 4 is c-1..c+2).
/// Defaults are cuDNN's (and the paper's): n = 5, alpha = 1e-4, beta = 0.75, k = 2.</summary>
public sealed record LrnParams
{
    private const string Owner = "LRN";

    public LrnParams(int size = 5, double alpha = 1e-4, double beta = 0.75, double k = 2.0, LrnVariant variant = LrnVariant.CuDnn)
    {
        WindowGeometry.RequirePositive(size, nameof(size), Owner);
        if (!(alpha >= 0) || !double.IsFinite(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"{Owner}: alpha must be finite and >= 0, got {alpha}");
        if (!(beta >= 0) || !double.IsFinite(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"{Owner}: beta must be finite and >= 0, got {beta}");
        if (!(k > 0) || !double.IsFinite(k))
            throw new ArgumentOutOfRangeException(nameof(k), k, $"{Owner}: k must be finite and > 0 (the denominator's floor), got {k}");
        if (!Enum.IsDefined(variant))
            throw new ArgumentOutOfRangeException(nameof(variant), variant, $"{Owner}: unknown variant");
        (Size, Alpha, Beta, K, Variant) = (size, alpha, beta, k, variant);
    }

    public int Size { get; }
    public double Alpha { get; }
    public double Beta { get; }
    public double K { get; }
    public LrnVariant Variant { get; }

    /// <summary>The factor in front of the window sum: alpha / n, or alpha in the paper variant.</summary>
    public double SumScale => Variant == LrnVariant.CuDnn ? Alpha / Size : Alpha;

    public int LookBehind => (Size - 1) / 2;
    public int LookAhead => Size - LookBehind - 1;
}
