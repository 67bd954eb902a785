using System.Runtime.CompilerServices;

namespace CudaCnn.Sim.Semantics;

/// <summary>
/// Half-precision arithmetic on binary16 bit patterns (<c>add sub mul fma min max neg abs .f16</c>) and their
/// <c>.f16x2</c> forms, lane by lane (the low half is one lane, the high half the other). Operands widen exactly to
/// double, where sums and products of halves are exact (or, for fma, exact with a TwoSum remainder), and are rounded
/// once to binary16 in the requested direction. <c>ftz</c> flushes subnormal halves; <c>sat</c> clamps to [0, 1].
/// </summary>
public static class F16
{
    /// <summary>Canonical NaN written for f16 NaN results.</summary>
    public const ushort CanonicalNaN = 0x7FFF;

    public static ushort Add(ushort a, ushort b, FloatRounding rounding, bool ftz, bool saturate) =>
        Fma(a, One, b, rounding, ftz, saturate);

    public static ushort Sub(ushort a, ushort b, FloatRounding rounding, bool ftz, bool saturate) =>
        Fma(a, One, Neg(b), rounding, ftz, saturate);

    public static ushort Mul(ushort a, ushort b, FloatRounding rounding, bool ftz, bool saturate)
    {
        double product = Widen(a, ftz) * Widen(b, ftz); // exact: 22 significant bits
        return Finish(product, 0, rounding, ftz, saturate);
    }

    public static ushort Fma(ushort a, ushort b, ushort c, FloatRounding rounding, bool ftz, bool saturate)
    {
        double x = Widen(a, ftz), y = Widen(b, ftz), z = Widen(c, ftz);
        double product = x * y; // exact: 22 significant bits
        if (!double.IsFinite(product) || !double.IsFinite(z)) return Finish(product + z, 0, rounding, ftz, saturate);
        double hi = Rounding.TwoSum(product, z, out double lo);
        if (hi == 0) // exact zero: equal-signed zeros keep the sign, otherwise +0 (-0 rounding down)
            hi = product == 0 && z == 0 && double.IsNegative(product) == double.IsNegative(z) ? z
                : rounding == FloatRounding.Rm ? -0.0 : 0.0;
        return Finish(hi, lo > 0 ? 1 : lo < 0 ? -1 : 0, rounding, ftz, saturate);
    }

    /// <summary>Rounds hi plus a remainder of sign <paramref name="tailSign"/> to binary16, then .sat and ftz.</summary>
    private static ushort Finish(double hi, int tailSign, FloatRounding rounding, bool ftz, bool saturate)
    {
        double r = Rounding.ToFormat(hi, tailSign, rounding, Rounding.F16Precision, Rounding.F16MinExponent,
            Rounding.F16MaxExponent);
        return Narrow(saturate ? F64.Saturate(r) : r, ftz);
    }

    /// <summary><c>min.f16</c>: one NaN operand gives the other, both NaN give NaN, -0 &lt; +0.</summary>
    public static ushort Min(ushort a, ushort b, bool ftz) => Narrow(double.MinNumber(Widen(a, ftz), Widen(b, ftz)), false);

    /// <summary><c>max.f16</c>: one NaN operand gives the other, both NaN give NaN, -0 &lt; +0.</summary>
    public static ushort Max(ushort a, ushort b, bool ftz) => Narrow(double.MaxNumber(Widen(a, ftz), Widen(b, ftz)), false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Neg(ushort a) => (ushort)(a ^ 0x8000);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Abs(ushort a) => (ushort)(a & 0x7FFF);

    /// <summary><c>min{.ftz}.f16x2</c>.</summary>
    public static uint MinX2(uint a, uint b, bool ftz) =>
        (uint)Min((ushort)(a >> 16), (ushort)(b >> 16), ftz) << 16 | Min((ushort)a, (ushort)b, ftz);

    /// <summary><c>max{.ftz}.f16x2</c>.</summary>
    public static uint MaxX2(uint a, uint b, bool ftz) =>
        (uint)Max((ushort)(a >> 16), (ushort)(b >> 16), ftz) << 16 | Max((ushort)a, (ushort)b, ftz);

    /// <summary><c>fma.rnd{.ftz}{.sat}.f16x2</c>.</summary>
    public static uint FmaX2(uint a, uint b, uint c, FloatRounding rounding, bool ftz, bool saturate) =>
        (uint)Fma((ushort)(a >> 16), (ushort)(b >> 16), (ushort)(c >> 16), rounding, ftz, saturate) << 16
        | Fma((ushort)a, (ushort)b, (ushort)c, rounding, ftz, saturate);

    private const ushort One = 0x3C00;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Widen(ushort bits, bool ftz)
    {
        if (ftz && (bits & 0x7C00) == 0) bits &= 0x8000;
        return (double)BitConverter.UInt16BitsToHalf(bits);
    }

    /// <summary>A double that is representable in binary16 (or ±inf, or NaN) to its bit pattern.</summary>
    private static ushort Narrow(double r, bool ftz)
    {
        if (double.IsNaN(r)) return CanonicalNaN;
        ushort bits = BitConverter.HalfToUInt16Bits((Half)r);
        return ftz && (bits & 0x7C00) == 0 ? (ushort)(bits & 0x8000) : bits;
    }
}
