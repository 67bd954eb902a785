using CudaCnn.Sim.Semantics;
using static CudaCnn.Sim.Tests.Semantics.ExactOracle;

namespace CudaCnn.Sim.Tests.Semantics;

/// <summary>
/// f64 arithmetic in every rounding direction against the BigInteger rational oracle. Round-to-nearest is also run
/// through the integer implementation (<see cref="SoftDouble"/>), where the hardware result is a second oracle.
/// </summary>
public class F64RoundingCrossCheckTests
{
    private const int Cases = 4000;
    public static TheoryData<FloatRounding> Modes => new() { FloatRounding.Rn, FloatRounding.Rz, FloatRounding.Rm, FloatRounding.Rp };

    [Theory, MemberData(nameof(Modes))]
    public void AddMatchesExactRounding(FloatRounding mode)
    {
        var gen = new RandomOperands(1101 + (int)mode);
        for (int i = 0; i < Cases; i++)
        {
            double a = gen.F64(), b = gen.Chance(30) ? -gen.Near(a) : gen.F64();
            Rational exact = Rational.FromDouble(a) + Rational.FromDouble(b);
            AssertRounded(exact, mode, SoftDouble.Add(a, b, mode), $"add {a:R} {b:R}");
            AssertRounded(exact, mode, F64.Sub(a, -b, mode), $"sub {a:R} {-b:R}");
        }
    }

    [Theory, MemberData(nameof(Modes))]
    public void MulMatchesExactRounding(FloatRounding mode)
    {
        var gen = new RandomOperands(1202 + (int)mode);
        for (int i = 0; i < Cases; i++)
        {
            double a = gen.F64(), b = gen.F64();
            AssertRounded(Rational.FromDouble(a) * Rational.FromDouble(b), mode, SoftDouble.Mul(a, b, mode),
                $"mul {a:R} {b:R}");
        }
    }

    [Theory, MemberData(nameof(Modes))]
    public void FmaMatchesExactRounding(FloatRounding mode)
    {
        var gen = new RandomOperands(1303 + (int)mode);
        for (int i = 0; i < Cases; i++)
        {
            double a = gen.F64(), b = gen.F64();
            double c = gen.Chance(40) ? -gen.Near(a * b) : gen.F64();
            if (!double.IsFinite(c)) c = gen.F64();
            Rational exact = Rational.FromDouble(a) * Rational.FromDouble(b) + Rational.FromDouble(c);
            AssertRounded(exact, mode, SoftDouble.Fma(a, b, c, mode), $"fma {a:R} {b:R} {c:R}");
        }
    }

    [Theory, MemberData(nameof(Modes))]
    public void DivMatchesExactRounding(FloatRounding mode)
    {
        var gen = new RandomOperands(1404 + (int)mode);
        for (int i = 0; i < Cases; i++)
        {
            double a = gen.F64(), b = gen.F64();
            if (b == 0 || a == 0) continue;
            AssertRounded(Rational.FromDouble(a) / Rational.FromDouble(b), mode, SoftDouble.Div(a, b, mode),
                $"div {a:R} {b:R}");
        }
    }

    [Theory, MemberData(nameof(Modes))]
    public void SqrtMatchesExactRounding(FloatRounding mode)
    {
        var gen = new RandomOperands(1505 + (int)mode);
        for (int i = 0; i < Cases; i++)
        {
            double a = Math.Abs(gen.F64());
            if (a == 0) continue;
            double expected = Sqrt(a, mode, Binary64), actual = SoftDouble.Sqrt(a, mode);
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual),
                $"sqrt.{mode} {a:R}: expected {expected:R}, got {actual:R}");
        }
    }

    private static void AssertRounded(Rational exact, FloatRounding mode, double actual, string what)
    {
        if (exact.Sign == 0)
        {
            Assert.True(actual == 0, $"{what}.{mode}: exact zero, got {actual:R}");
            return;
        }

        double expected = Round(exact, mode, Binary64);
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual),
            $"{what}.{mode}: expected {expected:R}, got {actual:R}");
    }
}
