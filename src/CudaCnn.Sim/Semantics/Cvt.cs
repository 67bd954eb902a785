using System.Runtime.CompilerServices;

namespace CudaCnn.Sim.Semantics;

/// <summary>
/// <c>cvt</c> semantics. Float-to-integer conversions round, then saturate to the destination range (saturation is
/// implicit in PTX); NaN converts to 0 when the source is f32 and the destination at most 32 bits wide, otherwise
/// to <c>1 &lt;&lt; (width - 1)</c>. Integer results come back as 64-bit patterns sign-extended for signed types and
/// zero-extended for unsigned ones, ready to be truncated to the destination register.
/// </summary>
public static class Cvt
{
    // ---- float -> integer ---------------------------------------------------------------------------------------

    /// <summary><c>cvt.{rni,rzi,rmi,rpi}[.ftz].{int}.f32</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong F32ToInt(float x, IntRounding rounding, IntType destination, bool ftz) =>
        FloatToInt(ftz ? F32.Ftz(x) : x, rounding, destination, sourceIsF32: true);

    /// <summary><c>cvt.{rni,rzi,rmi,rpi}.{int}.f64</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong F64ToInt(double x, IntRounding rounding, IntType destination) =>
        FloatToInt(x, rounding, destination, sourceIsF32: false);

    public static ulong FloatToInt(double x, IntRounding rounding, IntType destination, bool sourceIsF32)
    {
        int bits = destination.Bits();
        if (double.IsNaN(x)) return sourceIsF32 && bits <= 32 ? 0 : destination.Normalize(1UL << (bits - 1));
        double v = RoundToIntegral(x, rounding);
        if (destination.IsSigned())
        {
            double limit = Math.ScaleB(1.0, bits - 1); // 2^(w-1): exact, unlike the maximum itself for w = 64
            long max = (long)((1UL << (bits - 1)) - 1);
            long r = v >= limit ? max : v < -limit ? -max - 1 : (long)v;
            return (ulong)r;
        }
        else
        {
            double limit = Math.ScaleB(1.0, bits);
            ulong max = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
            return v >= limit ? max : v <= 0 ? 0 : (ulong)v;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int F32ToS32(float x, IntRounding rounding, bool ftz) => (int)F32ToInt(x, rounding, IntType.S32, ftz);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint F32ToU32(float x, IntRounding rounding, bool ftz) => (uint)F32ToInt(x, rounding, IntType.U32, ftz);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long F32ToS64(float x, IntRounding rounding, bool ftz) => (long)F32ToInt(x, rounding, IntType.S64, ftz);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong F32ToU64(float x, IntRounding rounding, bool ftz) => F32ToInt(x, rounding, IntType.U64, ftz);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int F64ToS32(double x, IntRounding rounding) => (int)F64ToInt(x, rounding, IntType.S32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint F64ToU32(double x, IntRounding rounding) => (uint)F64ToInt(x, rounding, IntType.U32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long F64ToS64(double x, IntRounding rounding) => (long)F64ToInt(x, rounding, IntType.S64);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong F64ToU64(double x, IntRounding rounding) => F64ToInt(x, rounding, IntType.U64);

    // ---- float -> integral float --------------------------------------------------------------------------------

    /// <summary>Round to an integral value: <c>rni</c> ties to even, <c>rzi</c> truncates, <c>rmi</c> floor, <c>rpi</c> ceiling.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double RoundToIntegral(double x, IntRounding rounding) => rounding switch
    {
        IntRounding.Rni => Math.Round(x, MidpointRounding.ToEven),
        IntRounding.Rzi => Math.Truncate(x),
        IntRounding.Rmi => Math.Floor(x),
        _ => Math.Ceiling(x),
    };

    /// <summary><c>cvt.{rni,rzi,rmi,rpi}[.ftz][.sat].f32.f32</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float F32ToIntegralF32(float x, IntRounding rounding, bool ftz, bool saturate)
    {
        if (ftz) x = F32.Ftz(x);
        float r = (float)RoundToIntegral(x, rounding); // exact: an integral value of a float is a float
        return saturate ? F32.Saturate(r) : r;
    }

    /// <summary><c>cvt.{rni,rzi,rmi,rpi}[.sat].f64.f64</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double F64ToIntegralF64(double x, IntRounding rounding, bool saturate)
    {
        double r = RoundToIntegral(x, rounding);
        return saturate ? F64.Saturate(r) : r;
    }

    /// <summary><c>cvt[.ftz].sat.f32.f32</c>: clamp to [0, 1], NaN gives +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SaturateF32(float x, bool ftz) => F32.Saturate(ftz ? F32.Ftz(x) : x);

    // ---- integer -> float ---------------------------------------------------------------------------------------

    /// <summary><c>cvt.{rn,rz,rm,rp}.f32.{s8..s64}</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SignedToF32(long value, FloatRounding rounding)
    {
        if (rounding == FloatRounding.Rn && (ulong)(value + (1L << 53)) <= 1UL << 54) return (float)(double)value;
        double hi = value;
        return Rounding.ToF32(hi, ((Int128)value).CompareTo((Int128)hi), rounding);
    }

    /// <summary><c>cvt.{rn,rz,rm,rp}.f32.{u8..u64}</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float UnsignedToF32(ulong value, FloatRounding rounding)
    {
        if (rounding == FloatRounding.Rn && value <= 1UL << 53) return (float)(double)value;
        double hi = value;
        return Rounding.ToF32(hi, ((UInt128)value).CompareTo((UInt128)hi), rounding);
    }

    /// <summary><c>cvt.{rn,rz,rm,rp}.f64.{s8..s64}</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SignedToF64(long value, FloatRounding rounding)
    {
        double hi = value;
        return rounding == FloatRounding.Rn ? hi : Rounding.AdjustF64(hi, ((Int128)value).CompareTo((Int128)hi), rounding);
    }

    /// <summary><c>cvt.{rn,rz,rm,rp}.f64.{u8..u64}</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double UnsignedToF64(ulong value, FloatRounding rounding)
    {
        double hi = value;
        return rounding == FloatRounding.Rn
            ? hi
            : Rounding.AdjustF64(hi, ((UInt128)value).CompareTo((UInt128)hi), rounding);
    }

    /// <summary><c>cvt.{rn,rz,rm,rp}.f16.{s8..s64}</c>: the binary16 bit pattern.</summary>
    public static ushort SignedToF16(long value, FloatRounding rounding)
    {
        double hi = value;
        return ToF16Bits(hi, ((Int128)value).CompareTo((Int128)hi), rounding);
    }

    /// <summary><c>cvt.{rn,rz,rm,rp}.f16.{u8..u64}</c>: the binary16 bit pattern.</summary>
    public static ushort UnsignedToF16(ulong value, FloatRounding rounding)
    {
        double hi = value;
        return ToF16Bits(hi, ((UInt128)value).CompareTo((UInt128)hi), rounding);
    }

    // ---- float <-> float ----------------------------------------------------------------------------------------

    /// <summary><c>cvt[.ftz].f64.f32</c>: exact widening (ftz flushes a subnormal input).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double F32ToF64(float x, bool ftz) => ftz ? F32.Ftz(x) : x;

    /// <summary><c>cvt.{rn,rz,rm,rp}[.ftz].f32.f64</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float F64ToF32(double x, FloatRounding rounding, bool ftz)
    {
        float r = rounding == FloatRounding.Rn ? (float)x : Rounding.ToF32(x, 0, rounding);
        return ftz ? F32.Ftz(r) : r;
    }

    /// <summary><c>cvt.{rn,rz,rm,rp}[.ftz].f16.f32</c>: binary16 bit pattern; RN overflows to ±inf (65520 -> inf).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort F32ToF16(float x, FloatRounding rounding, bool ftz) =>
        ToF16Bits(ftz ? F32.Ftz(x) : x, 0, rounding);

    /// <summary><c>cvt.{rn,rz,rm,rp}.f16.f64</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort F64ToF16(double x, FloatRounding rounding) => ToF16Bits(x, 0, rounding);

    /// <summary><c>cvt[.ftz].f32.f16</c>: exact widening.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float F16ToF32(ushort bits, bool ftz)
    {
        float r = (float)BitConverter.UInt16BitsToHalf(bits);
        return ftz ? F32.Ftz(r) : r;
    }

    /// <summary><c>cvt.f64.f16</c>: exact widening.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double F16ToF64(ushort bits) => (double)BitConverter.UInt16BitsToHalf(bits);

    /// <summary><c>cvt.{rn,rz,rm,rp}[.ftz].f16x2.f32 d, a, b</c>: <paramref name="a"/> goes to the upper half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint F32PairToF16x2(float a, float b, FloatRounding rounding, bool ftz) =>
        (uint)F32ToF16(a, rounding, ftz) << 16 | F32ToF16(b, rounding, ftz);

    /// <summary>
    /// <c>cvt.rna.tf32.f32</c>: round to a 10-bit mantissa with ties away from zero, as an f32 pattern whose low
    /// 13 bits are zero. Values at or above the largest tf32 plus half an ulp become ±inf; NaN stays a (quiet) NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint F32ToTf32(float x)
    {
        uint bits = BitConverter.SingleToUInt32Bits(x);
        if ((bits & 0x7F800000) == 0x7F800000) // inf stays inf; NaN must keep a nonzero mantissa
            return (bits & 0x007FFFFF) == 0 ? bits : (bits | 0x00400000) & 0xFFFFE000;
        return (bits + 0x1000) & 0xFFFFE000; // a carry into the exponent is the correct rounding, up to +inf
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort ToF16Bits(double hi, int tailSign, FloatRounding rounding)
    {
        double r = Rounding.ToFormat(hi, tailSign, rounding, Rounding.F16Precision, Rounding.F16MinExponent,
            Rounding.F16MaxExponent);
        return BitConverter.HalfToUInt16Bits((Half)r); // exact: r is representable in binary16
    }

    // ---- integer -> integer -------------------------------------------------------------------------------------

    /// <summary>
    /// <c>cvt[.sat].{dst}.{src}</c> between integer types: the source is read at its width (sign- or zero-extended),
    /// then truncated to the destination, or with <paramref name="saturate"/> clamped to the destination range.
    /// </summary>
    public static ulong IntToInt(ulong value, IntType source, IntType destination, bool saturate)
    {
        ulong v = source.Normalize(value);
        if (!saturate) return destination.Normalize(v);
        Int128 wide = source.IsSigned() ? (long)v : v;
        int bits = destination.Bits();
        Int128 min = destination.IsSigned() ? -((Int128)1 << (bits - 1)) : 0;
        Int128 max = destination.IsSigned() ? ((Int128)1 << (bits - 1)) - 1 : ((Int128)1 << bits) - 1;
        return (ulong)(wide < min ? min : wide > max ? max : wide);
    }
}
