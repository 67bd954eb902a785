using CudaCnn.Sim.Semantics;
using static CudaCnn.Sim.Tests.Semantics.BitPatterns;
using R = CudaCnn.Sim.Semantics.FloatRounding;

namespace CudaCnn.Sim.Tests.Semantics;

/// <summary>Hand-computed f32 results at rounding boundaries, zeros, infinities, subnormals and NaN.</summary>
public class F32EdgeCaseTests
{
    private static readonly float TwoPowMinus24 = F(0x33800000), TwoPowMinus25 = F(0x33000000);

    [Theory]
    // 1 + 2^-24 is exactly half an ulp above 1: ties to even stay at 1.
    [InlineData(R.Rn, One), InlineData(R.Rz, One), InlineData(R.Rm, One), InlineData(R.Rp, OnePlusUlp)]
    public void AddHalfUlpTie(R mode, uint expected) => Same(expected, F32.Add(1f, TwoPowMinus24, mode, false));

    [Theory]
    // 1 + 2^-24 + 2^-25 is above the midpoint.
    [InlineData(R.Rn, OnePlusUlp), InlineData(R.Rz, One), InlineData(R.Rm, One), InlineData(R.Rp, OnePlusUlp)]
    public void FmaJustAboveHalfUlp(R mode, uint expected) =>
        Same(expected, F32.Fma(TwoPowMinus25, 3f, 1f, mode, false)); // 1 + 3 * 2^-25

    [Theory]
    [InlineData(R.Rn, MinusOne), InlineData(R.Rz, MinusOne), InlineData(R.Rm, MinusOnePlusUlp), InlineData(R.Rp, MinusOne)]
    public void NegativeTieRoundsByDirection(R mode, uint expected) =>
        Same(expected, F32.Sub(-1f, TwoPowMinus24, mode, false));

    [Theory]
    // Just below 1: 1 - 2^-26 is a quarter ulp (of the binade below) under 1.
    [InlineData(R.Rn, One), InlineData(R.Rz, 0x3F7FFFFFu), InlineData(R.Rm, 0x3F7FFFFFu), InlineData(R.Rp, One)]
    public void JustBelowPowerOfTwo(R mode, uint expected) =>
        Same(expected, F32.Fma(-F(0x32800000), 1f, 1f, mode, false)); // 1 - 2^-26

    [Theory]
    [InlineData(R.Rn, PlusZero), InlineData(R.Rz, PlusZero), InlineData(R.Rp, PlusZero), InlineData(R.Rm, MinusZero)]
    public void ExactCancellationZeroSign(R mode, uint expected)
    {
        Same(expected, F32.Add(1.5f, -1.5f, mode, false));
        Same(expected, F32.Fma(2f, 3f, -6f, mode, false));
        Same(expected, F32.Add(0f, -0f, mode, false));
        Same(MinusZero, F32.Add(-0f, -0f, mode, false));
        Same(PlusZero, F32.Add(0f, 0f, mode, false));
        Same(MinusZero, F32.Fma(-0f, 5f, -0f, mode, false));
    }

    [Theory]
    [InlineData(R.Rn, PlusInf, MinusInf), InlineData(R.Rz, MaxFinite, MinusMaxFinite)]
    [InlineData(R.Rm, MaxFinite, MinusInf), InlineData(R.Rp, PlusInf, MinusMaxFinite)]
    public void Overflow(R mode, uint positive, uint negative)
    {
        Same(positive, F32.Add(float.MaxValue, float.MaxValue, mode, false));
        Same(negative, F32.Mul(float.MaxValue, -2f, mode, false));
        Same(positive, F32.Fma(float.MaxValue, 1.5f, 0f, mode, false));
        Same(negative, F32.Div(-float.MaxValue, 0.5f, mode, false));
    }

    [Theory]
    // 2^-150 is half the smallest subnormal: a tie between 0 (even) and 2^-149.
    [InlineData(R.Rn, PlusZero, MinusZero), InlineData(R.Rz, PlusZero, MinusZero)]
    [InlineData(R.Rm, PlusZero, MinusMinSubnormal), InlineData(R.Rp, MinSubnormal, MinusZero)]
    public void UnderflowBelowSmallestSubnormal(R mode, uint positive, uint negative)
    {
        Same(positive, F32.Mul(F(MinSubnormal), 0.5f, mode, false));
        Same(negative, F32.Mul(F(MinSubnormal), -0.5f, mode, false));
    }

    [Fact]
    public void SubnormalTiesRoundToEven() =>
        Same(0x00000002u, F32.Mul(F(MinSubnormal), 1.5f, R.Rn, false)); // 1.5 units -> 2

    [Fact]
    public void FtzFlushesInputsAndResultsKeepingTheSign()
    {
        float subnormal = F(0x00400000), negativeSubnormal = F(0x80400000);
        Same(PlusZero, F32.Add(subnormal, 0f, R.Rn, ftz: true));
        Same(0x00400000u, F32.Add(subnormal, 0f, R.Rn, ftz: false));
        Same(MinusZero, F32.Mul(negativeSubnormal, 1f, R.Rn, ftz: true));
        float twoPowMinus70 = F(0x1C800000);
        Same(PlusZero, F32.Mul(twoPowMinus70, twoPowMinus70, R.Rn, ftz: true)); // 2^-140 is subnormal
        Same(0x00000200u, F32.Mul(twoPowMinus70, twoPowMinus70, R.Rn, ftz: false));
        Same(MinusZero, F32.Fma(-twoPowMinus70, twoPowMinus70, 0f, R.Rz, ftz: true));
        Same(One, F32.Fma(subnormal, float.MaxValue, 1f, R.Rn, ftz: true)); // flushed input contributes nothing
        Same(PlusInf, F32.Div(1f, subnormal, R.Rn, ftz: true));
        Same(PlusZero, F32.Sqrt(subnormal, R.Rn, ftz: true));
    }

    [Theory]
    [InlineData(R.Rn, 0x3EAAAAABu), InlineData(R.Rz, 0x3EAAAAAAu), InlineData(R.Rm, 0x3EAAAAAAu), InlineData(R.Rp, 0x3EAAAAABu)]
    public void DivOneThird(R mode, uint expected)
    {
        Same(expected, F32.Div(1f, 3f, mode, false));
        Same(expected, F32.Rcp(3f, mode, false));
        Same(expected, F32.Div(-1f, -3f, mode, false));
    }

    [Theory]
    // -1/3: rounding down moves away from zero.
    [InlineData(R.Rn, 0xBEAAAAABu), InlineData(R.Rz, 0xBEAAAAAAu), InlineData(R.Rm, 0xBEAAAAABu), InlineData(R.Rp, 0xBEAAAAAAu)]
    public void DivMinusOneThird(R mode, uint expected) => Same(expected, F32.Div(-1f, 3f, mode, false));

    [Theory]
    // sqrt(2) = 1.41421356...: 0x3FB504F3 = 1.41421354 is the nearest and lies below.
    [InlineData(R.Rn, 0x3FB504F3u), InlineData(R.Rz, 0x3FB504F3u), InlineData(R.Rm, 0x3FB504F3u), InlineData(R.Rp, 0x3FB504F4u)]
    public void SqrtTwo(R mode, uint expected) => Same(expected, F32.Sqrt(2f, mode, false));

    [Theory, InlineData(R.Rn), InlineData(R.Rz), InlineData(R.Rm), InlineData(R.Rp)]
    public void SqrtSpecialValues(R mode)
    {
        Same(MinusZero, F32.Sqrt(-0f, mode, false));
        Same(PlusInf, F32.Sqrt(float.PositiveInfinity, mode, false));
        Assert.True(float.IsNaN(F32.Sqrt(-1f, mode, false)));
        Same(0x40400000u, F32.Sqrt(9f, mode, false)); // exact
    }

    [Theory, InlineData(R.Rn), InlineData(R.Rz), InlineData(R.Rm), InlineData(R.Rp)]
    public void InfinityAndNaNArithmetic(R mode)
    {
        Same(PlusInf, F32.Add(float.PositiveInfinity, 1f, mode, false));
        Same(MinusInf, F32.Fma(float.NegativeInfinity, 2f, 1e30f, mode, false));
        Assert.True(float.IsNaN(F32.Add(float.PositiveInfinity, float.NegativeInfinity, mode, false)));
        Assert.True(float.IsNaN(F32.Fma(float.PositiveInfinity, 0f, 1f, mode, false)));
        Assert.True(float.IsNaN(F32.Fma(float.PositiveInfinity, 1f, float.NegativeInfinity, mode, false)));
        Assert.True(float.IsNaN(F32.Mul(float.NaN, 1f, mode, false)));
        Assert.True(float.IsNaN(F32.Div(0f, 0f, mode, false)));
        Same(MinusInf, F32.Div(-1f, 0f, mode, false));
        Same(MinusZero, F32.Div(1f, float.NegativeInfinity, mode, false));
    }

    /// <summary>
    /// The non-fast-math expf expansion rounds s * 252 down to an integer by adding the magic constant 0x4B400001
    /// (1.5 * 2^23 + 1) with fma.rm: the integer part lands in the low mantissa bits. Every s near a step boundary.
    /// </summary>
    [Fact]
    public void ExpfMagicConstantFmaRmFloorsExactly()
    {
        float magic = F(0x4B400001);
        int checkedCases = 0;
        for (int k = 0; k <= 252; k++)
        {
            float s0 = (float)(k / 252.0);
            foreach (float s in new[] { MathF.BitDecrement(s0), s0, MathF.BitIncrement(s0) })
            {
                if (s < 0 || s > 1) continue;
                long floor = (long)Math.Floor((double)s * 252); // exact: a float times 252 is exact in double
                Same(0x4B400001u + (uint)floor, F32.Fma(s, 252f, magic, R.Rm, false));
                checkedCases++;
            }
        }

        Assert.True(checkedCases > 700);
        // Round to nearest would round 251.99998 up; fma.rm must not.
        float justBelowOne = MathF.BitDecrement(1f);
        Same(0x4B400001u + 251, F32.Fma(justBelowOne, 252f, magic, R.Rm, false));
        Same(0x4B400001u + 252, F32.Fma(justBelowOne, 252f, magic, R.Rn, false));
    }

    [Fact]
    public void MinMaxNaNAndSignedZeroRules()
    {
        Same(One, F32.Min(float.NaN, 1f, false));
        Same(One, F32.Max(1f, float.NaN, false));
        Assert.True(float.IsNaN(F32.Min(float.NaN, float.NaN, false)));
        Same(MinusZero, F32.Min(0f, -0f, false));
        Same(MinusZero, F32.Min(-0f, 0f, false));
        Same(PlusZero, F32.Max(-0f, 0f, false));
        Same(PlusZero, F32.Max(0f, -0f, false));
        Same(MinusOne, F32.Min(-1f, float.PositiveInfinity, false));
        Same(F32.CanonicalNaNBits, F32.MinNaN(float.NaN, 1f, false));
        Same(F32.CanonicalNaNBits, F32.MaxNaN(1f, float.NaN, false));
        Same(One, F32.MaxNaN(1f, -2f, false));
        Same(MinusZero, F32.Min(F(0x80000001), 0f, ftz: true)); // -subnormal flushes to -0, which is below +0
        Same(MinusMinSubnormal, F32.Min(F(0x80000001), 0f, ftz: false));
    }

    [Fact]
    public void AbsNegSignBitOnly()
    {
        Same(PlusZero, F32.Abs(-0f, false));
        Same(PlusInf, F32.Abs(float.NegativeInfinity, false));
        Same(MinusZero, F32.Neg(0f, false));
        Same(0x80000001u, F32.Neg(F(MinSubnormal), false));
        Same(MinusZero, F32.Neg(F(MinSubnormal), true));
        Same(PlusZero, F32.Abs(F(0x80000001), true));
        Assert.True(float.IsNaN(F32.Abs(float.NaN, false)));
    }

    [Theory]
    [InlineData(FloatCompare.Eq, false, false, true)]
    [InlineData(FloatCompare.Ne, false, true, false)]
    [InlineData(FloatCompare.Lt, false, true, false)]
    [InlineData(FloatCompare.Le, false, true, true)]
    [InlineData(FloatCompare.Gt, false, false, false)]
    [InlineData(FloatCompare.Ge, false, false, true)]
    [InlineData(FloatCompare.Equ, true, false, true)]
    [InlineData(FloatCompare.Neu, true, true, false)]
    [InlineData(FloatCompare.Ltu, true, true, false)]
    [InlineData(FloatCompare.Leu, true, true, true)]
    [InlineData(FloatCompare.Gtu, true, false, false)]
    [InlineData(FloatCompare.Geu, true, false, true)]
    [InlineData(FloatCompare.Num, false, true, true)]
    [InlineData(FloatCompare.Nan, true, false, false)]
    public void Comparisons(FloatCompare op, bool withNaN, bool oneVsTwo, bool equal)
    {
        Assert.Equal(withNaN, F32.Compare(op, float.NaN, 1f, false));
        Assert.Equal(withNaN, F32.Compare(op, 1f, float.NaN, false));
        Assert.Equal(oneVsTwo, F32.Compare(op, 1f, 2f, false));
        Assert.Equal(equal, F32.Compare(op, -0f, 0f, false));
        Assert.Equal(withNaN, F64.Compare(op, double.NaN, 1.0));
        Assert.Equal(oneVsTwo, F64.Compare(op, 1.0, 2.0));
        // With ftz a subnormal equals zero; without it is greater.
        Assert.Equal(equal, F32.Compare(op, F(MinSubnormal), 0f, ftz: true));
    }

    [Fact]
    public void SubnormalComparesAboveZeroWithoutFtz()
    {
        Assert.True(F32.Compare(FloatCompare.Gt, F(MinSubnormal), 0f, ftz: false));
        Assert.False(F32.Compare(FloatCompare.Gt, F(MinSubnormal), 0f, ftz: true));
    }

    [Fact]
    public void SaturateClampsAndFlushesNaNToPlusZero()
    {
        Same(One, F32.Saturate(1.5f));
        Same(PlusZero, F32.Saturate(-0.5f));
        Same(PlusZero, F32.Saturate(float.NaN));
        Same(PlusZero, F32.Saturate(-float.NaN));
        Same(PlusZero, F32.Saturate(float.NegativeInfinity));
        Same(One, F32.Saturate(float.PositiveInfinity));
        Same(0x3E800000u, F32.Saturate(0.25f));
        Same(PlusZero, F32.Saturate(-0f)); // documented choice: the clamp yields +0
    }
}
