using System.Runtime.CompilerServices;

namespace CudaCnn.Sim.Semantics;

/// <summary>
/// Per-lane f64 arithmetic with PTX semantics (f64 has no ftz). Round to nearest uses the hardware double operation;
/// directed rounding is computed exactly in integer arithmetic by <see cref="SoftDouble"/>.
/// </summary>
public static class F64
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Add(double a, double b, FloatRounding rounding) =>
        rounding == FloatRounding.Rn ? a + b : SoftDouble.Add(a, b, rounding);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sub(double a, double b, FloatRounding rounding) => Add(a, -b, rounding);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Mul(double a, double b, FloatRounding rounding) =>
        rounding == FloatRounding.Rn ? a * b : SoftDouble.Mul(a, b, rounding);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Fma(double a, double b, double c, FloatRounding rounding) =>
        rounding == FloatRounding.Rn ? Math.FusedMultiplyAdd(a, b, c) : SoftDouble.Fma(a, b, c, rounding);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Div(double a, double b, FloatRounding rounding) =>
        rounding == FloatRounding.Rn ? a / b : SoftDouble.Div(a, b, rounding);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Rcp(double a, FloatRounding rounding) => Div(1.0, a, rounding);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sqrt(double a, FloatRounding rounding) =>
        rounding == FloatRounding.Rn ? Math.Sqrt(a) : SoftDouble.Sqrt(a, rounding);

    /// <summary>Canonical NaN of <c>rcp.approx.ftz.f64</c>.</summary>
    public const ulong RcpApproxNaNBits = 0x7FFFFFFF00000000;

    /// <summary>
    /// <c>rcp.approx.ftz.f64</c>, the ISA's "gross" approximation: only the upper 32 bits of the input are used
    /// (sign, exponent, 20 mantissa bits), the result has its low 32 bits zero, subnormal inputs and results flush to
    /// zero, NaN gives <see cref="RcpApproxNaNBits"/>. Here: 1/(truncated input), rounded to nearest, low word cleared.
    /// </summary>
    public static double RcpApproxFtz(double a)
    {
        if (double.IsNaN(a)) return BitConverter.UInt64BitsToDouble(RcpApproxNaNBits);
        double truncated = BitConverter.UInt64BitsToDouble(BitConverter.DoubleToUInt64Bits(a) & 0xFFFFFFFF00000000);
        if (IsSubnormal(truncated)) truncated = double.IsNegative(truncated) ? -0.0 : 0.0;
        double r = 1.0 / truncated;
        if (IsSubnormal(r)) r = double.IsNegative(r) ? -0.0 : 0.0;
        return BitConverter.UInt64BitsToDouble(BitConverter.DoubleToUInt64Bits(r) & 0xFFFFFFFF00000000);
    }

    /// <summary><c>rsqrt.approx.f64</c>: ±0 gives ±inf, +inf gives +0, negative gives NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double RsqrtApprox(double a) => 1.0 / Math.Sqrt(a);

    /// <summary><c>.sat</c>: clamp to [0, 1]; NaN gives +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Saturate(double x) => x > 0 ? (x < 1 ? x : 1) : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsSubnormal(double x) => (BitConverter.DoubleToUInt64Bits(x) & 0x7FF0000000000000) == 0 && x != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Abs(double a) => Math.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Neg(double a) => -a;

    /// <summary><c>min.f64</c>: one NaN operand gives the other, -0 &lt; +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Min(double a, double b) => double.MinNumber(a, b);

    /// <summary><c>max.f64</c>: one NaN operand gives the other, -0 &lt; +0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Max(double a, double b) => double.MaxNumber(a, b);

    /// <summary><c>setp.cmp.f64</c> (also used for f32 operands, which compare identically after widening).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Compare(FloatCompare op, double a, double b)
    {
        bool unordered = double.IsNaN(a) || double.IsNaN(b);
        return op switch
        {
            FloatCompare.Eq => a == b,
            FloatCompare.Ne => !unordered && a != b,
            FloatCompare.Lt => a < b,
            FloatCompare.Le => a <= b,
            FloatCompare.Gt => a > b,
            FloatCompare.Ge => a >= b,
            FloatCompare.Equ => unordered || a == b,
            FloatCompare.Neu => a != b,
            FloatCompare.Ltu => unordered || a < b,
            FloatCompare.Leu => unordered || a <= b,
            FloatCompare.Gtu => unordered || a > b,
            FloatCompare.Geu => unordered || a >= b,
            FloatCompare.Num => !unordered,
            FloatCompare.Nan => unordered,
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown float comparison"),
        };
    }
}
