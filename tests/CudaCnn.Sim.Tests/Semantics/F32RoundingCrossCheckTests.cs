using CudaCnn.Sim.Semantics;
using static CudaCnn.Sim.Tests.Semantics.ExactOracle;

namespace CudaCnn.Sim.Tests.Semantics;

/// <summary>
/// The proof that f32 arithmetic is exact in every rounding direction: many seeded random operands (biased towards
/// ties, cancellation, subnormals and overflow) compared bit for bit with the BigInteger rational oracle.
/// </summary>
public class F32RoundingCrossCheckTests
{
    private const int Cases = 6000;
    public static TheoryData<FloatRounding> Modes => new() { FloatRounding.Rn, FloatRounding.Rz, FloatRounding.Rm, FloatRounding.Rp };

    [Theory, MemberData(nameof(Modes))]
    public void AddMatchesExactRounding(FloatRounding mode)
    {
        var gen = new RandomOperands(101 + (int)mode);
        for (int i = 0; i < Cases; i++)
        {
            float a = gen.F32(), b = gen.Chance(30) ? -gen.Near(a) : gen.F32();
            Rational exact = Rational.FromDouble(a) + Rational.FromDouble(b);
            AssertRounded(exact, mode, F32.Add(a, b, mode, ftz: false), $"add {a:R} {b:R}");
            AssertRounded(exact, mode, F32.Sub(a, -b, mode, ftz: false), $"sub {a:R} {-b:R}");
        }
    }

    [Theory, MemberData(nameof(Modes))]
    public void MulMatchesExactRounding(FloatRounding mode)
    {
        var gen = new RandomOperands(202 + (int)mode);
        for (int i = 0; i < Cases; i++)
        {
            float a = gen.F32(), b = gen.F32();
            AssertRounded(Rational.FromDouble(a) * Rational.FromDouble(b), mode, F32.Mul(a, b, mode, ftz: false),
                $"mul {a:R} {b:R}");
        }
    }

    [Theory, MemberData(nameof(Modes))]
    public void FmaMatchesExactRounding(FloatRounding mode)
    {
        var gen = new RandomOperands(303 + (int)mode);
        for (int i = 0; i < Cases; i++)
        {
            float a = gen.F32(), b = gen.F32();
            // Often c nearly cancels the product, so that the exact sum needs far more than 53 bits.
            float c = gen.Chance(40) ? -gen.Near((float)((double)a * b)) : gen.F32();
            if (!float.IsFinite(c)) c = gen.F32();
            Rational exact = Rational.FromDouble(a) * Rational.FromDouble(b) + Rational.FromDouble(c);
            AssertRounded(exact, mode, F32.Fma(a, b, c, mode, ftz: false), $"fma {a:R} {b:R} {c:R}");
        }
    }

    [Theory, MemberData(nameof(Modes))]
    public void DivAndRcpMatchExactRounding(FloatRounding mode)
    {
        var gen = new RandomOperands(404 + (int)mode);
        for (int i = 0; i < Cases; i++)
        {
            float a = gen.F32(), b = gen.F32();
            if (b == 0) continue;
            AssertRounded(Rational.FromDouble(a) / Rational.FromDouble(b), mode, F32.Div(a, b, mode, ftz: false),
                $"div {a:R} {b:R}");
            AssertRounded(Rational.FromDouble(1) / Rational.FromDouble(b), mode, F32.Rcp(b, mode, ftz: false),
                $"rcp {b:R}");
        }
    }

    [Theory, MemberData(nameof(Modes))]
    public void SqrtMatchesExactRounding(FloatRounding mode)
    {
        var gen = new RandomOperands(505 + (int)mode);
        for (int i = 0; i < Cases; i++)
        {
            float a = MathF.Abs(gen.F32());
            if (gen.Chance(20)) a = gen.Near(MathF.Round(MathF.Sqrt(a)) * MathF.Round(MathF.Sqrt(a))); // near squares
            if (a <= 0 || !float.IsFinite(a)) continue;
            double expected = Sqrt(a, mode, Binary32);
            Assert.True(BitConverter.SingleToUInt32Bits((float)expected) == BitConverter.SingleToUInt32Bits(F32.Sqrt(a, mode, false)),
                $"sqrt.{mode} {a:R}: expected {(float)expected:R}, got {F32.Sqrt(a, mode, false):R}");
        }
    }

    [Theory, MemberData(nameof(Modes))]
    public void IntegerToFloatMatchesExactRounding(FloatRounding mode)
    {
        var rng = new Random(606 + (int)mode);
        for (int i = 0; i < Cases; i++)
        {
            long s = rng.NextInt64(long.MinValue, long.MaxValue) >> rng.Next(0, 63);
            ulong u = (ulong)rng.NextInt64(long.MinValue, long.MaxValue) >> rng.Next(0, 63);
            if (s != 0) AssertRounded(new Rational(s, 1), mode, Cvt.SignedToF32(s, mode), $"cvt.f32.s64 {s}");
            if (u != 0) AssertRounded(new Rational(u, 1), mode, Cvt.UnsignedToF32(u, mode), $"cvt.f32.u64 {u}");
            if (s != 0)
                Assert.Equal(Round(new Rational(s, 1), mode, Binary64), Cvt.SignedToF64(s, mode));
            if (u != 0)
                Assert.Equal(Round(new Rational(u, 1), mode, Binary64), Cvt.UnsignedToF64(u, mode));
        }
    }

    [Theory, MemberData(nameof(Modes))]
    public void DoubleToFloatMatchesExactRounding(FloatRounding mode)
    {
        var gen = new RandomOperands(707 + (int)mode);
        for (int i = 0; i < Cases; i++)
        {
            double x = gen.F64();
            if (x == 0) continue;
            AssertRounded(Rational.FromDouble(x), mode, Cvt.F64ToF32(x, mode, ftz: false), $"cvt.f32.f64 {x:R}");
            double half = Round(Rational.FromDouble(x), mode, Binary16);
            Assert.True(BitConverter.HalfToUInt16Bits((Half)half) == Cvt.F64ToF16(x, mode), $"cvt.{mode}.f16.f64 {x:R}");
        }
    }

    /// <summary>
    /// Compares with the oracle's rounding; an exactly zero result must be +0, or -0 when rounding down (the sign
    /// rule for sums of opposite-signed operands, which is the only way random nonzero-free operands reach zero).
    /// </summary>
    private static void AssertRounded(Rational exact, FloatRounding mode, float actual, string what)
    {
        if (exact.Sign == 0)
        {
            Assert.True(actual == 0, $"{what}.{mode}: exact zero, got {actual:R}");
            return;
        }

        float expected = (float)Round(exact, mode, Binary32);
        Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(actual),
            $"{what}.{mode}: expected {expected:R} (0x{BitConverter.SingleToUInt32Bits(expected):X8}), got {actual:R} (0x{BitConverter.SingleToUInt32Bits(actual):X8})");
    }
}
