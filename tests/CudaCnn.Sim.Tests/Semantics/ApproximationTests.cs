using CudaCnn.Sim.Semantics;
using static CudaCnn.Sim.Tests.Semantics.BitPatterns;

namespace CudaCnn.Sim.Tests.Semantics;

/// <summary>
/// The .approx instructions: the ISA's special values exactly, exact results where the function value is a float,
/// and the documented error bounds against an independent double-precision evaluation.
/// </summary>
public class ApproximationTests
{
    [Fact]
    public void Ex2SpecialAndExactValues()
    {
        foreach (bool ftz in new[] { false, true })
        {
            Same(PlusZero, F32.Ex2Approx(float.NegativeInfinity, ftz));
            Same(One, F32.Ex2Approx(0f, ftz));
            Same(One, F32.Ex2Approx(-0f, ftz));
            Same(PlusInf, F32.Ex2Approx(float.PositiveInfinity, ftz));
            Same(PlusInf, F32.Ex2Approx(128f, ftz));
            Same(0x41000000u, F32.Ex2Approx(3f, ftz));
            Assert.True(float.IsNaN(F32.Ex2Approx(float.NaN, ftz)));
        }

        Same(MinSubnormal, F32.Ex2Approx(-149f, ftz: false));
        Same(PlusZero, F32.Ex2Approx(-149f, ftz: true)); // subnormal result flushed
    }

    [Fact]
    public void Lg2SpecialAndExactValues()
    {
        Same(MinusInf, F32.Lg2Approx(0f, false));
        Same(MinusInf, F32.Lg2Approx(-0f, false));
        Same(MinusInf, F32.Lg2Approx(F(MinSubnormal), ftz: true));
        Same(0xC3150000u, F32.Lg2Approx(F(MinSubnormal), ftz: false)); // log2(2^-149) = -149
        Assert.True(float.IsNaN(F32.Lg2Approx(-1f, false)));
        Assert.True(float.IsNaN(F32.Lg2Approx(float.NegativeInfinity, false)));
        Same(PlusInf, F32.Lg2Approx(float.PositiveInfinity, false));
        Same(PlusZero, F32.Lg2Approx(1f, false));
        Same(0x40400000u, F32.Lg2Approx(8f, false));
    }

    [Fact]
    public void RsqrtRcpSqrtSpecialValues()
    {
        Same(PlusInf, F32.RsqrtApprox(0f, false));
        Same(MinusInf, F32.RsqrtApprox(-0f, false));
        Same(PlusZero, F32.RsqrtApprox(float.PositiveInfinity, false));
        Assert.True(float.IsNaN(F32.RsqrtApprox(-4f, false)));
        Same(0x3F000000u, F32.RsqrtApprox(4f, false));
        Same(PlusInf, F32.RsqrtApprox(F(MinSubnormal), ftz: true));

        Same(PlusInf, F32.RcpApprox(0f, false));
        Same(MinusInf, F32.RcpApprox(-0f, false));
        Same(MinusZero, F32.RcpApprox(float.NegativeInfinity, false));
        Same(0x3E800000u, F32.RcpApprox(4f, false));
        Same(MinusInf, F32.RcpApprox(F(0x80000001), ftz: true));

        Same(MinusZero, F32.SqrtApprox(-0f, false));
        Assert.True(float.IsNaN(F32.SqrtApprox(-1f, false)));
        Same(0x40400000u, F32.SqrtApprox(9f, true));

        Assert.True(double.IsPositiveInfinity(F64.RsqrtApprox(0.0)));
        Assert.True(double.IsNegativeInfinity(F64.RsqrtApprox(-0.0)));
        Assert.Equal(0.0, F64.RsqrtApprox(double.PositiveInfinity));
        Assert.True(double.IsNaN(F64.RsqrtApprox(-1.0)));
        Assert.Equal(0.25, F64.RsqrtApprox(16.0));
    }

    [Fact]
    public void SinCosSpecialValues()
    {
        Same(PlusZero, F32.SinApprox(0f, false));
        Same(MinusZero, F32.SinApprox(-0f, false));
        Same(One, F32.CosApprox(0f, false));
        Assert.True(float.IsNaN(F32.SinApprox(float.PositiveInfinity, false)));
        Assert.True(float.IsNaN(F32.CosApprox(float.NegativeInfinity, false)));
    }

    [Fact]
    public void DivApproxRangeRule()
    {
        float twoPow127 = F(0x7F000000), twoPow126 = F(0x7E800000);
        Same(PlusZero, F32.DivApprox(1f, twoPow127, false)); // 2^126 < |b| < 2^128: zero
        Same(MinusZero, F32.DivApprox(-1f, twoPow127, false));
        Same(MinusZero, F32.DivApprox(1f, -F(MaxFinite), false));
        Assert.True(float.IsNaN(F32.DivApprox(float.PositiveInfinity, twoPow127, false)));
        Same(0x00800000u, F32.DivApprox(1f, twoPow126, false)); // the bound itself is in range: 2^-126
        Same(0x3F000000u, F32.DivApprox(1f, 2f, false));
        Same(PlusZero, F32.DivApprox(1f, float.PositiveInfinity, false));
        Same(MinusInf, F32.DivApprox(-1f, 0f, false));
        Assert.True(float.IsNaN(F32.DivApprox(0f, 0f, false)));
        Same(PlusInf, F32.DivApprox(1f, F(MinSubnormal), ftz: true)); // flushed divisor
        Same(0x40400000u, F32.DivFull(6f, 2f, true));
        Same(PlusZero, F32.DivFull(F(0x00400000), 1f, ftz: true));
    }

    /// <summary>Documented bounds (PTX ISA): ex2 2 ulp, lg2 2^-22 absolute on (0.5, 2), rsqrt 2^-22.9 relative,
    /// sin/cos 2^-20.5 absolute on [-2π, 2π], rcp 1 ulp, div.approx 2 ulp for |b| in [2^-126, 2^126].</summary>
    [Fact]
    public void ApproximationsStayWithinTheIsaBounds()
    {
        var rng = new Random(77);
        for (int i = 0; i < 5000; i++)
        {
            float x = (float)(rng.NextDouble() * 200 - 100);
            AssertUlps(Math.Pow(2, x), F32.Ex2Approx(x, false), 2, $"ex2 {x:R}");
            float p = (float)(rng.NextDouble() * 1000 + 1e-3);
            AssertUlps(1 / Math.Sqrt(p), F32.RsqrtApprox(p, false), 2, $"rsqrt {p:R}");
            AssertUlps(1 / (double)p, F32.RcpApprox(p, false), 1, $"rcp {p:R}");
            AssertUlps(x / (double)p, F32.DivApprox(x, p, false), 2, $"div {x:R}/{p:R}");
            float m = (float)(0.5 + rng.NextDouble() * 1.5);
            Assert.True(Math.Abs(Math.Log(m) / Math.Log(2) - F32.Lg2Approx(m, false)) <= Math.Pow(2, -22), $"lg2 {m:R}");
            float t = (float)((rng.NextDouble() * 4 - 2) * Math.PI);
            Assert.True(Math.Abs(Math.Sin(t) - F32.SinApprox(t, false)) <= Math.Pow(2, -20.5), $"sin {t:R}");
            Assert.True(Math.Abs(Math.Cos(t) - F32.CosApprox(t, false)) <= Math.Pow(2, -20.5), $"cos {t:R}");
        }
    }

    private static void AssertUlps(double exact, float actual, int maxUlps, string what)
    {
        float nearest = (float)exact;
        double ulp = MathF.BitIncrement(MathF.Abs(nearest)) - MathF.Abs(nearest);
        Assert.True(Math.Abs(actual - exact) <= maxUlps * ulp, $"{what}: exact {exact:R}, got {actual:R}");
    }
}
