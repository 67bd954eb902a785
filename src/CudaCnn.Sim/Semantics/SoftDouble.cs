using System.Runtime.CompilerServices;

namespace CudaCnn.Sim.Semantics;

/// <summary>
/// Exact f64 arithmetic in integer arithmetic, rounded once in any IEEE direction. Used for the directed-rounding
/// f64 forms, which the hardware double operations cannot do. Each operation forms the exact result as
/// <c>significand * 2^exponent</c> (a <see cref="UInt128"/>, with at least 55 significant bits whenever bits were
/// dropped) plus a sticky flag meaning "plus a positive amount below one unit", then <see cref="Round"/> rounds it.
/// </summary>
internal static class SoftDouble
{
    private const int Precision = 53, MinQuantumExponent = -1074, MaxExponent = 1023;

    public static double Add(double a, double b, FloatRounding rounding)
    {
        if (!double.IsFinite(a) || !double.IsFinite(b)) return a + b; // infinities and NaN are exact
        if (a == 0 && b == 0) return ZeroSum(a, b, rounding);
        if (a == 0) return b;
        if (b == 0) return a;
        Unpack(a, out bool na, out ulong sa, out int ea);
        Unpack(b, out bool nb, out ulong sb, out int eb);
        return AddExact(na, sa, ea, nb, sb, eb, rounding);
    }

    public static double Mul(double a, double b, FloatRounding rounding)
    {
        if (!double.IsFinite(a) || !double.IsFinite(b) || a == 0 || b == 0) return a * b; // exact special cases
        Unpack(a, out bool na, out ulong sa, out int ea);
        Unpack(b, out bool nb, out ulong sb, out int eb);
        return Round(na != nb, (UInt128)sa * sb, ea + eb, false, rounding);
    }

    public static double Fma(double a, double b, double c, FloatRounding rounding)
    {
        if (!double.IsFinite(a) || !double.IsFinite(b) || !double.IsFinite(c)) return Math.FusedMultiplyAdd(a, b, c);
        if (a == 0 || b == 0)
        {
            double zeroProduct = a * b; // signed zero
            return c == 0 ? ZeroSum(zeroProduct, c, rounding) : c;
        }

        Unpack(a, out bool na, out ulong sa, out int ea);
        Unpack(b, out bool nb, out ulong sb, out int eb);
        UInt128 product = (UInt128)sa * sb;
        if (c == 0) return Round(na != nb, product, ea + eb, false, rounding);
        Unpack(c, out bool nc, out ulong sc, out int ec);
        return AddExact(na != nb, product, ea + eb, nc, sc, ec, rounding);
    }

    public static double Div(double a, double b, FloatRounding rounding)
    {
        if (!double.IsFinite(a) || !double.IsFinite(b) || a == 0 || b == 0) return a / b; // exact special cases
        Unpack(a, out bool na, out ulong sa, out int ea);
        Unpack(b, out bool nb, out ulong sb, out int eb);
        // Both significands have bit 52 set, so the quotient has 75 or 76 bits.
        UInt128 dividend = (UInt128)sa << 75;
        UInt128 quotient = UInt128.DivRem(dividend, sb).Quotient;
        bool sticky = quotient * sb != dividend;
        return Round(na != nb, quotient, ea - eb - 75, sticky, rounding);
    }

    public static double Sqrt(double a, FloatRounding rounding)
    {
        if (!double.IsFinite(a) || a <= 0) return Math.Sqrt(a); // NaN, +inf, ±0 and negatives are exact or NaN
        Unpack(a, out _, out ulong sa, out int ea);
        int shift = (ea & 1) == 0 ? 72 : 73; // even exponent, radicand of 125 or 126 bits, root of 63 bits
        UInt128 radicand = (UInt128)sa << shift;
        UInt128 root = IntegerSqrt(radicand);
        return Round(false, root, (ea - shift) / 2, root * root != radicand, rounding);
    }

    /// <summary>Floor of the square root of <paramref name="n"/> &lt; 2^127.</summary>
    private static UInt128 IntegerSqrt(UInt128 n)
    {
        UInt128 r = (UInt128)Math.Sqrt((double)n); // within a few units of 2^10 of the root
        r = (r + n / r) >> 1; // one Newton step: error below one unit
        while (r * r > n) r--;
        while ((r + 1) * (r + 1) <= n) r++;
        return r;
    }

    /// <summary>Exact sum of two nonzero values <c>(-1)^n * s * 2^e</c>.</summary>
    private static double AddExact(bool nx, UInt128 sx, int ex, bool ny, UInt128 sy, int ey, FloatRounding rounding)
    {
        // Put the operand with the higher top bit first and scale it so that its top bit is bit 126.
        int topX = ex + BitLength(sx), topY = ey + BitLength(sy);
        if (topY > topX)
        {
            (nx, ny) = (ny, nx);
            (sx, sy) = (sy, sx);
            (ex, ey) = (ey, ex);
        }

        int scale = 127 - BitLength(sx);
        UInt128 x = sx << scale;
        int e = ex - scale;
        UInt128 y;
        bool dropped = false;
        if (ey >= e)
        {
            y = sy << (ey - e); // top of y <= top of x: fits in 127 bits
        }
        else
        {
            // y lies below x's lowest unit: y < x / 2^20, so even a subtraction keeps over 100 bits.
            int right = e - ey;
            y = right >= 128 ? UInt128.Zero : sy >> right;
            dropped = right >= 128 ? sy != 0 : (y << right) != sy;
        }

        if (nx == ny) return Round(nx, x + y, e, dropped, rounding);
        if (dropped) y += 1; // x - (y + f) = (x - y - 1) + (1 - f) with 0 < 1 - f < 1
        if (x == y) return rounding == FloatRounding.Rm ? -0.0 : 0.0; // exact cancellation
        return x > y ? Round(nx, x - y, e, dropped, rounding) : Round(ny, y - x, e, dropped, rounding);
    }

    /// <summary>
    /// Rounds <c>(-1)^negative * (significand + f) * 2^exponent</c> to double, where f is 0 when
    /// <paramref name="sticky"/> is false and strictly between 0 and 1 otherwise.
    /// </summary>
    private static double Round(bool negative, UInt128 significand, int exponent, bool sticky, FloatRounding rounding)
    {
        int length = BitLength(significand);
        int quantum = Math.Max(exponent + length - Precision, MinQuantumExponent);
        UInt128 n;
        bool up;
        if (quantum <= exponent)
        {
            n = significand << (exponent - quantum); // exact (sticky only occurs with more bits than kept)
            up = sticky && Rounding.AwayFromZero(rounding, negative);
        }
        else
        {
            int shift = quantum - exponent;
            UInt128 rest;
            if (shift >= 128)
            {
                n = UInt128.Zero;
                rest = significand;
            }
            else
            {
                n = significand >> shift;
                rest = significand - (n << shift);
            }

            bool inexact = rest != 0 || sticky;
            if (rounding == FloatRounding.Rn)
            {
                if (shift > 128) up = false; // below half of the smallest unit
                else
                {
                    UInt128 half = UInt128.One << (shift - 1);
                    up = rest > half || (rest == half && (sticky || (n & 1) != 0));
                }
            }
            else
            {
                up = inexact && Rounding.AwayFromZero(rounding, negative);
            }
        }

        if (up) n++;
        if (n == (UInt128.One << Precision))
        {
            n >>= 1;
            quantum++;
        }

        double magnitude;
        if (quantum + Precision - 1 > MaxExponent)
            magnitude = rounding == FloatRounding.Rn || Rounding.AwayFromZero(rounding, negative)
                ? double.PositiveInfinity
                : double.MaxValue;
        else
            magnitude = Math.ScaleB((double)(ulong)n, quantum); // n < 2^53 with a representable quantum: exact
        return negative ? -magnitude : magnitude;
    }

    /// <summary>Sign of a sum of two zeros: equal signs keep it, otherwise +0 (-0 when rounding down).</summary>
    private static double ZeroSum(double x, double y, FloatRounding rounding) =>
        double.IsNegative(x) == double.IsNegative(y) ? x : rounding == FloatRounding.Rm ? -0.0 : 0.0;

    /// <summary>Splits a finite nonzero double into sign, 53-bit significand (bit 52 set) and exponent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Unpack(double x, out bool negative, out ulong significand, out int exponent)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(x);
        negative = (long)bits < 0;
        int biased = (int)(bits >> 52) & 0x7FF;
        ulong mantissa = bits & 0xFFFFFFFFFFFFF;
        if (biased == 0)
        {
            int normalize = System.Numerics.BitOperations.LeadingZeroCount(mantissa) - 11;
            significand = mantissa << normalize;
            exponent = MinQuantumExponent - normalize;
        }
        else
        {
            significand = mantissa | 1UL << 52;
            exponent = biased - 1075;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BitLength(UInt128 x) => 128 - (int)UInt128.LeadingZeroCount(x);
}
