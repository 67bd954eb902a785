using System.Globalization;
using CudaCnn.Runtime;

namespace CudaCnn.Reference;

/// <summary>The project's one tolerance rule: |actual - expected| &lt;= Absolute + Relative * |expected|.
/// NaN matches only NaN; an infinity matches only the same infinity.</summary>
public readonly record struct Tolerance(double Absolute, double Relative)
{
    public double Allowed(double expected) => Absolute + Relative * Math.Abs(expected);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"abs {Absolute:G3} + rel {Relative:G3}");
}

/// <summary>Outcome of comparing a tensor with its reference. The worst element is the one with the largest error as
/// a fraction of its allowed error (a mismatch in NaN/infinity counts as infinitely far).</summary>
public sealed record ComparisonResult(
    string Name, long Count, long Failures, double MaxAbsError, double MaxRelError,
    long WorstIndex, double WorstExpected, double WorstActual, double WorstFractionOfTolerance, string? WorstCoordinates,
    Tolerance Tolerance)
{
    public bool Passed => Failures == 0;

    public string Message => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {(Passed ? "ok" : $"{Failures} of {Count} elements outside tolerance")}; worst at {WorstCoordinates ?? $"[{WorstIndex}]"}: " +
        $"expected {WorstExpected:G9}, actual {WorstActual:G9}, error {WorstFractionOfTolerance:G3} x tolerance ({Tolerance}); " +
        $"max abs error {MaxAbsError:G3}, max rel error {MaxRelError:G3}");

    /// <summary>Throws <see cref="TensorMismatchException"/> carrying <see cref="Message"/> when any element failed.</summary>
    public ComparisonResult ThrowIfFailed() => Passed ? this : throw new TensorMismatchException(this);

    public override string ToString() => Message;
}

public sealed class TensorMismatchException(ComparisonResult result) : Exception(result.Message)
{
    public ComparisonResult Result { get; } = result;
}

public static class TensorComparison
{
    /// <summary>Compares actual against expected element by element.</summary>
    /// <param name="name">Names the tensor in messages, e.g. "conv1.dW".</param>
    /// <param name="shape">When given, the worst index is reported as NCHW coordinates.</param>
    public static ComparisonResult Compare(string name, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual,
        Tolerance tolerance, TensorShape? shape = null)
    {
        if (expected.Length != actual.Length)
            throw new ArgumentException($"{name}: expected has {expected.Length} elements, actual has {actual.Length}", nameof(actual));
        if (shape is { } s && s.Elements != expected.Length)
            throw new ArgumentException($"{name}: shape {s} holds {s.Elements} elements, the tensors have {expected.Length}", nameof(shape));
        if (!(tolerance.Absolute >= 0 && tolerance.Relative >= 0))
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, $"{name}: tolerances must be >= 0");

        long failures = 0, worst = 0;
        double maxAbs = 0, maxRel = 0, worstFraction = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            double fraction = FractionOfTolerance(e, a, tolerance, out double abs);
            if (!double.IsNaN(abs))
            {
                maxAbs = Math.Max(maxAbs, abs);
                if (e != 0) maxRel = Math.Max(maxRel, abs / Math.Abs(e));
            }
            if (fraction > 1) failures++;
            if (fraction > worstFraction)
            {
                worstFraction = fraction;
                worst = i;
            }
        }
        return new ComparisonResult(name, expected.Length, failures, maxAbs, maxRel, worst,
            expected.Length == 0 ? 0 : expected[(int)worst], expected.Length == 0 ? 0 : actual[(int)worst],
            Math.Max(worstFraction, 0), shape is { } sh ? Coordinates(sh, worst) : null, tolerance);
    }

    /// <summary>NCHW coordinates of a flat index, e.g. "[n=1, c=4, h=0, w=2]".</summary>
    public static string Coordinates(TensorShape shape, long index)
    {
        string[] axes = ["n", "c", "h", "w"];
        var dims = shape.ToArray();
        var parts = new string[dims.Length];
        for (int axis = dims.Length - 1; axis >= 0; axis--)
        {
            parts[axis] = $"{axes[axis]}={index % dims[axis]}";
            index /= dims[axis];
        }
        return $"[{string.Join(", ", parts)}]";
    }

    /// <summary>|a - e| / allowed(e); 0 for exact matches (including matching NaNs and infinities), infinity for a
    /// NaN/infinity mismatch or a non-zero error under a zero tolerance.</summary>
    private static double FractionOfTolerance(double e, double a, Tolerance tolerance, out double absError)
    {
        absError = Math.Abs(a - e);
        if (double.IsNaN(e) || double.IsNaN(a) || double.IsInfinity(e) || double.IsInfinity(a))
        {
            bool same = e.Equals(a);
            absError = same ? 0 : double.NaN;
            return same ? 0 : double.PositiveInfinity;
        }
        if (absError == 0) return 0;
        double allowed = tolerance.Allowed(e);
        return allowed == 0 ? double.PositiveInfinity : absError / allowed;
    }
}
