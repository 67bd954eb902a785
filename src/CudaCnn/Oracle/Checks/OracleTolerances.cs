using CudaCnn.Checks;
using CudaCnn.Reference;

namespace CudaCnn.Oracle;

/// <summary>
/// What cuDNN and cuBLAS are held to against the double-accumulating reference, and what ours and theirs are held
/// to against each other. Ours keeps its own tolerances (<see cref="ConvTolerances"/>, <see cref="LayerTolerances"/>).
/// None of the cuDNN-specific factors has been measured on a device yet (no GPU where this was written).
/// </summary>
internal static class OracleTolerances
{
    /// <summary>TF32 keeps 10 mantissa bits: each operand is rounded with unit roundoff 2^-11, so a product is off by
    /// up to 2^-10 of its size; over L products of values in [-1, 1] that is 2^-10 * L, plus the FP32 sum's eps * L.
    /// A worst-case bound: only small reductions are checked with it, where an indexing mistake still shows.</summary>
    public static Tolerance Tf32Reduction(long length) =>
        new((1.0 / 1024 + 1.1920929e-7) * length, (1.0 / 1024 + 1.1920929e-7) * length);

    /// <summary>cuDNN's FFT and Winograd algorithms compute in a transform domain, like our F(4x4,3x3): held to the
    /// same factor over a plain float reduction.</summary>
    public const double CudnnTransformFactor = ConvTolerances.Winograd4x4Factor;

    /// <summary>A float reduction of <paramref name="length"/> terms computed by cuDNN algorithm <paramref name="name"/>.</summary>
    public static Tolerance CudnnConvolution(string name, long length) =>
        name.Contains("FFT", StringComparison.Ordinal) || name.Contains("WINOGRAD", StringComparison.Ordinal)
            ? ConvTolerances.Scaled(ConvTolerances.Reduction(length), CudnnTransformFactor)
            : ConvTolerances.Reduction(length);

    /// <summary>cuDNN's batch-norm statistics are float sums over N*H*W whose order we do not know: a plain float
    /// reduction of that length, never tighter than our own kernel's tolerance.</summary>
    public static Tolerance CudnnChannelReduction(long length) => Max(ConvTolerances.Reduction(length), LayerTolerances.Normalized);

    /// <summary>Ours against theirs: each is within its tolerance of the reference, so they are within the sum of
    /// both of each other (the relative terms then apply to theirs, a second-order difference).</summary>
    public static Tolerance Between(Tolerance ours, Tolerance theirs) =>
        new(ours.Absolute + theirs.Absolute, ours.Relative + theirs.Relative);

    public static Tolerance Max(Tolerance a, Tolerance b) =>
        new(Math.Max(a.Absolute, b.Absolute), Math.Max(a.Relative, b.Relative));

    /// <summary>Dropout statistics: the dropped fraction of n Bernoulli(p) draws lies within 5 standard deviations
    /// sqrt(p (1 - p) / n) of p except with probability below 1e-6.</summary>
    public static Tolerance DropFraction(double p, long n) => new(5 * Math.Sqrt(p * (1 - p) / n), 0);
}
