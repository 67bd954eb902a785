using CudaCnn.Kernels;
using CudaCnn.Reference;

namespace CudaCnn.Checks;

/// <summary>Tolerances of the convolution and GEMM kernels against the double-accumulating reference.</summary>
internal static class ConvTolerances
{
    /// <summary>float32 unit roundoff.</summary>
    private const double Epsilon = 1.1920929e-7;

    /// <summary>A float32 sum of L products of values in [-1, 1] is off by at most about L * eps * (its magnitude
    /// bound L); measured errors are far below, so one eps per term, in absolute and relative terms, keeps a margin
    /// while still failing on any indexing mistake (which costs O(1)).</summary>
    public static Tolerance Reduction(long length) => new(Epsilon * length, Epsilon * length);

    /// <summary>F(2x2,3x3) transforms with coefficients 0, +-1/2, +-1 add a few roundings per term.</summary>
    public const double Winograd2x2Factor = 4;

    /// <summary>F(4x4,3x3) transforms (coefficients up to 8 and down to 1/30) amplify rounding; with the points
    /// 0, 1, -1, 2, -1/2 the measured worst error is under 1/5 of this (docs/kernels.md).</summary>
    public const double Winograd4x4Factor = 8;

    public static Tolerance Scaled(Tolerance t, double factor) => new(t.Absolute * factor, t.Relative * factor);

    /// <summary>The tolerance of a reduction of <paramref name="length"/> terms computed by <paramref name="concrete"/>.</summary>
    public static Tolerance For(ConvAlgorithm concrete, long length) => concrete switch
    {
        ConvAlgorithm.Winograd2x2 => Scaled(Reduction(length), Winograd2x2Factor),
        ConvAlgorithm.Winograd4x4 => Scaled(Reduction(length), Winograd4x4Factor),
        _ => Reduction(length),
    };
}
