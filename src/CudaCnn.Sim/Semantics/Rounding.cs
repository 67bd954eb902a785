using System.Runtime.CompilerServices;

namespace CudaCnn.Sim.Semantics;

/// <summary>
/// Rounds an exact real, given as a double <c>hi</c> plus the sign of the remainder <c>exact - hi</c>, to a narrower
/// binary format (f32, f16) in any IEEE rounding direction. Correct whenever <c>hi</c> is the double nearest to the
/// exact value (or the exact value itself): every grid point and midpoint of the narrow format is a double, so by
/// monotonicity <c>hi</c> and the remainder's sign place the exact value relative to all of them.
/// </summary>
internal static class Rounding
{
    public const int F32Precision = 24, F32MinExponent = -126, F32MaxExponent = 127;
    public const int F16Precision = 11, F16MinExponent = -14, F16MaxExponent = 15;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToF32(double hi, int tailSign, FloatRounding mode) =>
        (float)ToFormat(hi, tailSign, mode, F32Precision, F32MinExponent, F32MaxExponent);

    /// <param name="precision">Significand bits including the hidden bit.</param>
    /// <param name="minExponent">Exponent of the smallest normal number.</param>
    /// <param name="maxExponent">Exponent of the largest finite number.</param>
    /// <returns>The rounded value, exactly representable in the format (or ±inf, or NaN).</returns>
    public static double ToFormat(double hi, int tailSign, FloatRounding mode, int precision, int minExponent,
        int maxExponent)
    {
        if (!double.IsFinite(hi)) return hi;
        bool negative = double.IsNegative(hi);
        double magnitude = Math.Abs(hi);
        if (magnitude == 0)
        {
            if (tailSign == 0) return hi;
            // A nonzero value below 2^-1074: rounds to zero or to the smallest subnormal of the format.
            negative = tailSign < 0;
            double smallest = Math.ScaleB(1.0, minExponent - precision + 1);
            double r0 = AwayFromZero(mode, negative) ? smallest : 0.0;
            return negative ? -r0 : r0;
        }

        int tail = negative ? -tailSign : tailSign; // sign of the remainder in magnitude terms
        int exponent = Math.ILogB(magnitude);
        int quantum = Math.Max(exponent, minExponent) - (precision - 1);
        double scaled = Math.ScaleB(magnitude, -quantum); // exact: a power-of-two scaling of a normal double
        double whole = Math.Floor(scaled);
        double fraction = scaled - whole;
        double result;
        if (mode == FloatRounding.Rn)
        {
            bool up = fraction > 0.5 || (fraction == 0.5 && (tail > 0 || (tail == 0 && ((long)whole & 1) != 0)));
            result = Math.ScaleB(up ? whole + 1 : whole, quantum);
        }
        else if (AwayFromZero(mode, negative))
        {
            result = Math.ScaleB(fraction > 0 || tail > 0 ? whole + 1 : whole, quantum);
        }
        else if (fraction == 0 && tail < 0)
        {
            // Exactly on a grid point but slightly below it: the predecessor, whose spacing halves at a binade start.
            bool binadeStart = whole == Math.ScaleB(1.0, precision - 1) && exponent > minExponent;
            result = magnitude - Math.ScaleB(1.0, binadeStart ? quantum - 1 : quantum);
        }
        else
        {
            result = Math.ScaleB(whole, quantum);
        }

        double maxFinite = Math.ScaleB(2.0 - Math.ScaleB(1.0, 1 - precision), maxExponent);
        if (result > maxFinite)
            result = mode == FloatRounding.Rn || AwayFromZero(mode, negative) ? double.PositiveInfinity : maxFinite;
        return negative ? -result : result;
    }

    /// <summary>
    /// Directed rounding to double of an exact value given as <paramref name="hi"/> (its nearest double, nonzero when
    /// the tail is nonzero) plus the sign of <c>exact - hi</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AdjustF64(double hi, int tailSign, FloatRounding mode)
    {
        if (tailSign > 0 && (mode == FloatRounding.Rp || (mode == FloatRounding.Rz && hi < 0)))
            return Math.BitIncrement(hi);
        if (tailSign < 0 && (mode == FloatRounding.Rm || (mode == FloatRounding.Rz && hi > 0)))
            return Math.BitDecrement(hi);
        return hi;
    }

    /// <summary>True when the directed mode increases the magnitude of a value of the given sign.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AwayFromZero(FloatRounding mode, bool negative) =>
        mode == (negative ? FloatRounding.Rm : FloatRounding.Rp);

    /// <summary>Error-free sum: <c>hi = RN(a + b)</c>, <c>lo = a + b - hi</c> exactly (no overflow assumed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double TwoSum(double a, double b, out double lo)
    {
        double hi = a + b;
        double bVirtual = hi - a;
        double aVirtual = hi - bVirtual;
        lo = (a - aVirtual) + (b - bVirtual);
        return hi;
    }
}
