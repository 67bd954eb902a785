using System.Runtime.CompilerServices;

namespace CudaCnn.Sim.Semantics;

/// <summary>
/// Per-lane f32 arithmetic with PTX semantics. IEEE forms (<c>.rn .rz .rm .rp</c>) are bit-exact: round to nearest
/// uses the hardware single-precision operation; directed rounding computes the exact result as a double plus the
/// sign of its exact remainder and rounds that (see <see cref="Rounding"/>). <c>ftz</c> flushes subnormal inputs and
/// results to zero of the same sign. <c>.approx</c> forms compute the exact function in double and round to nearest,
/// well inside the ISA's error bounds, with the ISA's special values.
/// </summary>
public static class F32
{
    /// <summary>Canonical NaN the hardware writes for f32 NaN results of min/max <c>.NaN</c>.</summary>
    public const uint CanonicalNaNBits = 0x7FFFFFFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsSubnormal(float x) => (BitConverter.SingleToUInt32Bits(x) & 0x7F800000) == 0 && x != 0;

    /// <summary>Subnormal to zero of the same sign; everything else unchanged.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Ftz(float x) =>
        (BitConverter.SingleToUInt32Bits(x) & 0x7F800000) == 0
            ? BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(x) & 0x80000000)
            : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float FlushIf(float x, bool ftz) => ftz ? Ftz(x) : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b, FloatRounding rounding, bool ftz)
    {
        if (ftz) { a = Ftz(a); b = Ftz(b); }
        return FlushIf(rounding == FloatRounding.Rn ? a + b : AddDirected(a, b, rounding), ftz);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sub(float a, float b, FloatRounding rounding, bool ftz) => Add(a, -b, rounding, ftz);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Mul(float a, float b, FloatRounding rounding, bool ftz)
    {
        if (ftz) { a = Ftz(a); b = Ftz(b); }
        // The product of two floats is exact in double, so there is no remainder.
        return FlushIf(rounding == FloatRounding.Rn ? a * b : Rounding.ToF32((double)a * b, 0, rounding), ftz);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Fma(float a, float b, float c, FloatRounding rounding, bool ftz)
    {
        if (ftz) { a = Ftz(a); b = Ftz(b); c = Ftz(c); }
        return FlushIf(rounding == FloatRounding.Rn ? MathF.FusedMultiplyAdd(a, b, c) : FmaDirected(a, b, c, rounding),
            ftz);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Div(float a, float b, FloatRounding rounding, bool ftz)
    {
        if (ftz) { a = Ftz(a); b = Ftz(b); }
        return FlushIf(rounding == FloatRounding.Rn ? a / b : DivDirected(a, b, rounding), ftz);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Rcp(float a, FloatRounding rounding, bool ftz) => Div(1f, a, rounding, ftz);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sqrt(float a, FloatRounding rounding, bool ftz)
    {
        if (ftz) a = Ftz(a);
        return FlushIf(rounding == FloatRounding.Rn ? MathF.Sqrt(a) : SqrtDirected(a, rounding), ftz);
    }

    private static float AddDirected(float a, float b, FloatRounding rounding)
    {
        double hi = Rounding.TwoSum(a, b, out double lo); // exact: two floats never overflow a double sum
        if (hi == 0) return ExactZeroSum(a, b, rounding);
        return Rounding.ToF32(hi, Math.Sign(lo), rounding);
    }

    private static float FmaDirected(float a, float b, float c, FloatRounding rounding)
    {
        double product = (double)a * b; // exact
        if (!double.IsFinite(product) || !float.IsFinite(c)) return (float)(product + c);
        double hi = Rounding.TwoSum(product, c, out double lo);
        if (hi == 0) return ExactZeroSum(product, c, rounding);
        return Rounding.ToF32(hi, Math.Sign(lo), rounding);
    }

    /// <summary>
    /// IEEE sign of an exactly zero sum x + y: equal-signed zeros keep their sign; otherwise +0, except -0 when
    /// rounding toward minus infinity.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ExactZeroSum(double x, double y, FloatRounding rounding)
    {
        if (x == 0 && y == 0 && double.IsNegative(x) == double.IsNegative(y)) return (float)x;
        return rounding == FloatRounding.Rm ? -0f : 0f;
    }

    private static float DivDirected(float a, float b, FloatRounding rounding)
    {
        double q = (double)a / b;
        if (!double.IsFinite(q) || q == 0) return (float)q; // inf, NaN and zero quotients of floats are exact
        // The division remainder a - q*b is exactly representable (no underflow for float operands).
        double remainder = Math.FusedMultiplyAdd(-q, b, a);
        return Rounding.ToF32(q, Math.Sign(remainder) * Math.Sign(b), rounding);
    }

    private static float SqrtDirected(float a, FloatRounding rounding)
    {
        double s = Math.Sqrt(a);
        if (!double.IsFinite(s) || s == 0) return (float)s;
        double remainder = Math.FusedMultiplyAdd(-s, s, a); // exact square-root remainder
        return Rounding.ToF32(s, Math.Sign(remainder), rounding);
    }

    // ---- approximate instructions -------------------------------------------------------------------------------

    /// <summary><c>rcp.approx.f32</c>: 1/a (1/±0 = ±inf, 1/±inf = ±0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float RcpApprox(float a, bool ftz) => FlushIf((float)(1.0 / FlushIf(a, ftz)), ftz);

    /// <summary><c>sqrt.approx.f32</c>: sqrt(-0) = -0, negative gives NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SqrtApprox(float a, bool ftz) => FlushIf(MathF.Sqrt(FlushIf(a, ftz)), ftz);

    /// <summary><c>rsqrt.approx.f32</c>: ±0 gives ±inf, +inf gives +0, negative gives NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float RsqrtApprox(float a, bool ftz) => FlushIf((float)(1.0 / Math.Sqrt(FlushIf(a, ftz))), ftz);

    /// <summary><c>ex2.approx.f32</c>: 2^a; -inf gives +0, ±0 gives 1, +inf gives +inf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Ex2Approx(float a, bool ftz) => FlushIf((float)double.Exp2(FlushIf(a, ftz)), ftz);

    /// <summary><c>lg2.approx.f32</c>: log2(a); ±0 gives -inf, negative gives NaN, +inf gives +inf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Lg2Approx(float a, bool ftz)
    {
        a = FlushIf(a, ftz);
        return a == 0 ? float.NegativeInfinity : (float)Math.Log2(a);
    }

    /// <summary><c>sin.approx.f32</c>: sin(±0) = ±0, sin(±inf) = NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SinApprox(float a, bool ftz) => FlushIf((float)Math.Sin(FlushIf(a, ftz)), ftz);

    /// <summary><c>cos.approx.f32</c>: cos(±inf) = NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CosApprox(float a, bool ftz) => FlushIf((float)Math.Cos(FlushIf(a, ftz)), ftz);

    /// <summary><c>tanh.approx.f32</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float TanhApprox(float a, bool ftz) => FlushIf((float)Math.Tanh(FlushIf(a, ftz)), ftz);

    private const float TwoPow126 = 85070591730234615865843651857942052864f;

    /// <summary>
    /// <c>div.approx.f32</c> = a * (1/b): for 2^126 &lt; |b| &lt; 2^128 the result is zero (NaN when a is infinite);
    /// when 1/b overflows (tiny or zero b) it is a * ±inf.
    /// </summary>
    public static float DivApprox(float a, float b, bool ftz)
    {
        if (ftz) { a = Ftz(a); b = Ftz(b); }
        float absB = MathF.Abs(b);
        if (absB > TwoPow126 && absB < float.PositiveInfinity)
            return float.IsInfinity(a) ? float.NaN : CopySignOfProduct(0f, a, b);
        float reciprocal = (float)(1.0 / b);
        if (float.IsInfinity(reciprocal)) return FlushIf(a * reciprocal, ftz);
        return FlushIf((float)((double)a / b), ftz);
    }

    /// <summary><c>div.full.f32</c>: full-range division within 2 ulp; here correctly rounded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DivFull(float a, float b, bool ftz)
    {
        if (ftz) { a = Ftz(a); b = Ftz(b); }
        return FlushIf(a / b, ftz);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float CopySignOfProduct(float magnitude, float a, float b) =>
        float.IsNegative(a) != float.IsNegative(b) ? -magnitude : magnitude;

    // ---- sign, min/max, comparisons -----------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Abs(float a, bool ftz) => MathF.Abs(FlushIf(a, ftz));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Neg(float a, bool ftz) => -FlushIf(a, ftz);

    /// <summary><c>min.f32</c>: one NaN operand gives the other, both NaN give NaN, -0 &lt; +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Min(float a, float b, bool ftz) => float.MinNumber(FlushIf(a, ftz), FlushIf(b, ftz));

    /// <summary><c>max.f32</c>: one NaN operand gives the other, both NaN give NaN, -0 &lt; +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b, bool ftz) => float.MaxNumber(FlushIf(a, ftz), FlushIf(b, ftz));

    /// <summary><c>min.NaN.f32</c>: canonical NaN if either operand is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MinNaN(float a, float b, bool ftz) =>
        float.IsNaN(a) || float.IsNaN(b) ? BitConverter.UInt32BitsToSingle(CanonicalNaNBits) : Min(a, b, ftz);

    /// <summary><c>max.NaN.f32</c>: canonical NaN if either operand is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxNaN(float a, float b, bool ftz) =>
        float.IsNaN(a) || float.IsNaN(b) ? BitConverter.UInt32BitsToSingle(CanonicalNaNBits) : Max(a, b, ftz);

    /// <summary><c>setp.cmp.f32</c>; with <paramref name="ftz"/> subnormal operands compare as zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Compare(FloatCompare op, float a, float b, bool ftz) =>
        F64.Compare(op, FlushIf(a, ftz), FlushIf(b, ftz));

    /// <summary><c>.sat</c>: clamp to [0, 1]; NaN gives +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Saturate(float x) => x > 0f ? (x < 1f ? x : 1f) : 0f;
}
