using CudaCnn.Sim.Semantics;
using static CudaCnn.Sim.Tests.Semantics.BitPatterns;
using R = CudaCnn.Sim.Semantics.FloatRounding;

namespace CudaCnn.Sim.Tests.Semantics;

/// <summary>Hand-computed f64 results: directed rounding boundaries and rcp.approx.ftz.f64.</summary>
public class F64EdgeCaseTests
{
    private const ulong OneD = 0x3FF0000000000000, OnePlusUlpD = 0x3FF0000000000001;
    private static readonly double TwoPowMinus53 = D(0x3CA0000000000000);

    [Theory]
    [InlineData(R.Rn, OneD), InlineData(R.Rz, OneD), InlineData(R.Rm, OneD), InlineData(R.Rp, OnePlusUlpD)]
    public void AddHalfUlpTie(R mode, ulong expected) => Same(expected, F64.Add(1.0, TwoPowMinus53, mode));

    [Theory]
    [InlineData(R.Rn, 0UL), InlineData(R.Rz, 0UL), InlineData(R.Rp, 0UL), InlineData(R.Rm, 0x8000000000000000UL)]
    public void ExactCancellationZeroSign(R mode, ulong expected)
    {
        Same(expected, F64.Sub(0.1, 0.1, mode));
        Same(expected, F64.Fma(3.0, 0.5, -1.5, mode));
        Same(0x8000000000000000UL, F64.Add(-0.0, -0.0, mode));
    }

    [Theory]
    [InlineData(R.Rn, 0x7FF0000000000000UL), InlineData(R.Rz, 0x7FEFFFFFFFFFFFFFUL)]
    [InlineData(R.Rm, 0x7FEFFFFFFFFFFFFFUL), InlineData(R.Rp, 0x7FF0000000000000UL)]
    public void Overflow(R mode, ulong expected)
    {
        Same(expected, F64.Mul(double.MaxValue, 2.0, mode));
        Same(expected, F64.Add(double.MaxValue, double.MaxValue, mode));
        Same(expected, F64.Div(double.MaxValue, 0.5, mode));
        Same(expected, F64.Fma(double.MaxValue, 1.0, double.MaxValue, mode));
    }

    [Theory]
    [InlineData(R.Rn, 0UL, 0x8000000000000000UL), InlineData(R.Rz, 0UL, 0x8000000000000000UL)]
    [InlineData(R.Rp, 1UL, 0x8000000000000000UL), InlineData(R.Rm, 0UL, 0x8000000000000001UL)]
    public void UnderflowBelowSmallestSubnormal(R mode, ulong positive, ulong negative)
    {
        Same(positive, F64.Mul(double.Epsilon, 0.5, mode));
        Same(negative, F64.Mul(double.Epsilon, -0.5, mode));
        Same(positive, F64.Div(double.Epsilon, 3.0, mode));
    }

    /// <summary>
    /// 2^104 / (2^52 + 1) = (2^52 - 1) + 1/(2^52 + 1): the fraction lies far below the bits an integer quotient of
    /// moderate width keeps, so only a correct sticky bit rounds it up.
    /// </summary>
    [Theory]
    [InlineData(R.Rn, 0x432FFFFFFFFFFFFEUL), InlineData(R.Rz, 0x432FFFFFFFFFFFFEUL)]
    [InlineData(R.Rm, 0x432FFFFFFFFFFFFEUL), InlineData(R.Rp, 0x432FFFFFFFFFFFFFUL)]
    public void DivisionRemainderFarBelowTheUlp(R mode, ulong expected) =>
        Same(expected, F64.Div(Math.ScaleB(1.0, 104), Math.ScaleB(1.0, 52) + 1, mode));

    [Theory]
    // sqrt(2^104 + 2^53) = 2^52 + 1 - 2^-53 (nearly): just below a representable value.
    [InlineData(R.Rn, 0x4330000000000001UL), InlineData(R.Rz, 0x4330000000000000UL)]
    [InlineData(R.Rm, 0x4330000000000000UL), InlineData(R.Rp, 0x4330000000000001UL)]
    public void SqrtJustBelowRepresentable(R mode, ulong expected) =>
        Same(expected, F64.Sqrt(Math.ScaleB(1.0, 104) + Math.ScaleB(1.0, 53), mode));

    [Theory, InlineData(R.Rz), InlineData(R.Rm), InlineData(R.Rp)]
    public void DirectedSpecialValues(R mode)
    {
        Assert.True(double.IsNaN(F64.Add(double.PositiveInfinity, double.NegativeInfinity, mode)));
        Assert.True(double.IsNaN(F64.Fma(0.0, double.PositiveInfinity, 1.0, mode)));
        Assert.True(double.IsNaN(F64.Sqrt(-2.0, mode)));
        Same(0x8000000000000000UL, F64.Sqrt(-0.0, mode));
        Same(0xFFF0000000000000UL, F64.Div(-1.0, 0.0, mode));
        Same(0x8000000000000000UL, F64.Mul(-0.0, 5.0, mode));
        Same(OneD, F64.Fma(0.0, 7.0, 1.0, mode));
        Same(0x4000000000000000UL, F64.Sqrt(4.0, mode));
        Same(OneD, F64.Rcp(1.0, mode));
    }

    [Fact]
    public void RcpApproxUsesTheUpperWordAndClearsTheLowWord()
    {
        Same(0x3FD5555500000000UL, F64.RcpApproxFtz(3.0)); // 1/3 = 0x3FD5555555555555 with the low word cleared
        Same(OneD, F64.RcpApproxFtz(D(0x3FF0000000001000))); // 1 + 2^-40 lives in the ignored low word
        Same(0xBFE0000000000000UL, F64.RcpApproxFtz(-2.0));
        Same(F64.RcpApproxNaNBits, F64.RcpApproxFtz(double.NaN));
        Same(0x7FF0000000000000UL, F64.RcpApproxFtz(0.0));
        Same(0xFFF0000000000000UL, F64.RcpApproxFtz(-0.0));
        Same(0x7FF0000000000000UL, F64.RcpApproxFtz(Math.ScaleB(1.0, -1070))); // subnormal input flushed
        Same(0UL, F64.RcpApproxFtz(Math.ScaleB(1.0, 1023))); // 2^-1023 is subnormal: flushed
        Same(0x8000000000000000UL, F64.RcpApproxFtz(double.NegativeInfinity));
    }

    [Fact]
    public void MinMaxAbsNeg()
    {
        Assert.Equal(1.0, F64.Min(double.NaN, 1.0));
        Assert.Equal(1.0, F64.Max(1.0, double.NaN));
        Same(0x8000000000000000UL, F64.Min(0.0, -0.0));
        Same(0UL, F64.Max(-0.0, 0.0));
        Same(0UL, F64.Abs(-0.0));
        Same(0x8000000000000000UL, F64.Neg(0.0));
        Same(0UL, F64.Saturate(double.NaN));
        Assert.Equal(1.0, F64.Saturate(7.0));
    }
}
