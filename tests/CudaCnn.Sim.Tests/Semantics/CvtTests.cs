using CudaCnn.Sim.Semantics;
using static CudaCnn.Sim.Tests.Semantics.BitPatterns;
using IR = CudaCnn.Sim.Semantics.IntRounding;
using R = CudaCnn.Sim.Semantics.FloatRounding;

namespace CudaCnn.Sim.Tests.Semantics;

/// <summary>Hand-computed <c>cvt</c> results: rounding, implicit saturation, NaN rules, half, tf32, integer widths.</summary>
public class CvtTests
{
    [Theory]
    [InlineData(2.5f, IR.Rni, 2), InlineData(3.5f, IR.Rni, 4), InlineData(-2.5f, IR.Rni, -2), InlineData(-3.5f, IR.Rni, -4)]
    [InlineData(-2.5f, IR.Rzi, -2), InlineData(-2.5f, IR.Rmi, -3), InlineData(-2.5f, IR.Rpi, -2)]
    [InlineData(2.7f, IR.Rzi, 2), InlineData(2.2f, IR.Rpi, 3), InlineData(-0.5f, IR.Rmi, -1), InlineData(-0.5f, IR.Rpi, 0)]
    [InlineData(3e9f, IR.Rni, int.MaxValue), InlineData(-3e9f, IR.Rzi, int.MinValue)]
    [InlineData(float.PositiveInfinity, IR.Rzi, int.MaxValue), InlineData(float.NegativeInfinity, IR.Rzi, int.MinValue)]
    [InlineData(float.NaN, IR.Rni, 0), InlineData(2147483520f, IR.Rzi, 2147483520)]
    public void F32ToS32(float x, IR mode, int expected) => Assert.Equal(expected, Cvt.F32ToS32(x, mode, ftz: false));

    [Fact]
    public void FloatToUnsignedSaturatesAtZeroAndMax()
    {
        Assert.Equal(0u, Cvt.F32ToU32(-1.5f, IR.Rzi, false));
        Assert.Equal(0u, Cvt.F32ToU32(-0.5f, IR.Rmi, false)); // -1 clamps to 0
        Assert.Equal(uint.MaxValue, Cvt.F32ToU32(4294967296f, IR.Rni, false));
        Assert.Equal(0u, Cvt.F32ToU32(float.NaN, IR.Rni, false));
        Assert.Equal(ulong.MaxValue, Cvt.F32ToU64(18446744073709551616f, IR.Rzi, false));
        Assert.Equal(0UL, Cvt.F32ToU64(-1f, IR.Rzi, false));
        Assert.Equal(4294967295u, Cvt.F64ToU32(4294967295.7, IR.Rzi));
        Assert.Equal(uint.MaxValue, Cvt.F64ToU32(4294967295.7, IR.Rni));
    }

    [Fact]
    public void SixtyFourBitDestinationsSaturate()
    {
        Assert.Equal(long.MaxValue, Cvt.F32ToS64(9.3e18f, IR.Rzi, false));
        Assert.Equal(long.MinValue, Cvt.F32ToS64(-9.3e18f, IR.Rzi, false));
        Assert.Equal(long.MinValue, Cvt.F32ToS64(-9223372036854775808f, IR.Rzi, false)); // -2^63 is in range
        Assert.Equal(long.MaxValue, Cvt.F32ToS64(9223372036854775808f, IR.Rzi, false)); // 2^63 is not
        Assert.Equal(9007199254740992L, Cvt.F64ToS64(9007199254740992.0, IR.Rzi));
        Assert.Equal(long.MaxValue, Cvt.F64ToS64(9.3e18, IR.Rni));
        Assert.Equal(-3L, Cvt.F64ToS64(-2.5, IR.Rmi));
    }

    [Fact]
    public void NaNRuleDependsOnSourceAndDestination()
    {
        // f32 (or f16) source into at most 32 bits: 0. f64 source or 64-bit destination: 1 << (width - 1).
        Assert.Equal(0, Cvt.F32ToS32(float.NaN, IR.Rzi, false));
        Assert.Equal(0u, Cvt.F32ToU32(float.NaN, IR.Rzi, false));
        Assert.Equal(long.MinValue, Cvt.F32ToS64(float.NaN, IR.Rzi, false));
        Assert.Equal(0x8000000000000000UL, Cvt.F32ToU64(float.NaN, IR.Rzi, false));
        Assert.Equal(int.MinValue, Cvt.F64ToS32(double.NaN, IR.Rzi));
        Assert.Equal(0x80000000u, Cvt.F64ToU32(double.NaN, IR.Rni));
        Assert.Equal(long.MinValue, Cvt.F64ToS64(double.NaN, IR.Rzi));
        Assert.Equal(0xFFFFFFFFFFFF8000UL, Cvt.F64ToInt(double.NaN, IR.Rzi, IntType.S16)); // sign-extended
        Assert.Equal(0UL, Cvt.F32ToInt(float.NaN, IR.Rzi, IntType.U16, false));
    }

    [Fact]
    public void NarrowIntegerDestinationsSaturateAndExtend()
    {
        Assert.Equal(255UL, Cvt.F32ToInt(300f, IR.Rni, IntType.U8, false));
        Assert.Equal(0xFFFFFFFFFFFFFF80UL, Cvt.F32ToInt(-300f, IR.Rni, IntType.S8, false));
        Assert.Equal(0xFFFFFFFFFFFFFFFDUL, Cvt.F32ToInt(-2.5f, IR.Rmi, IntType.S16, false));
        Assert.Equal(65535UL, Cvt.F64ToInt(1e10, IR.Rzi, IntType.U16));
    }

    [Fact]
    public void FtzChangesDirectedIntegerRoundingOfSubnormals()
    {
        float negativeSubnormal = F(0x80000001), positiveSubnormal = F(MinSubnormal);
        Assert.Equal(-1, Cvt.F32ToS32(negativeSubnormal, IR.Rmi, ftz: false));
        Assert.Equal(0, Cvt.F32ToS32(negativeSubnormal, IR.Rmi, ftz: true));
        Assert.Equal(1, Cvt.F32ToS32(positiveSubnormal, IR.Rpi, ftz: false));
        Assert.Equal(0, Cvt.F32ToS32(positiveSubnormal, IR.Rpi, ftz: true));
        Same(MinusOne, Cvt.F32ToIntegralF32(negativeSubnormal, IR.Rmi, ftz: false, saturate: false));
        Same(MinusZero, Cvt.F32ToIntegralF32(negativeSubnormal, IR.Rmi, ftz: true, saturate: false));
    }

    [Theory]
    [InlineData(2.5f, IR.Rni, 0x40000000u), InlineData(-0.5f, IR.Rni, MinusZero), InlineData(0.5f, IR.Rpi, One)]
    [InlineData(-0.5f, IR.Rpi, MinusZero), InlineData(-0.5f, IR.Rzi, MinusZero), InlineData(-0.5f, IR.Rmi, MinusOne)]
    [InlineData(1e30f, IR.Rzi, 0x7149F2CAu), InlineData(float.NegativeInfinity, IR.Rni, MinusInf)]
    [InlineData(8388607.5f, IR.Rni, 0x4B000000u), InlineData(8388606.5f, IR.Rni, 0x4AFFFFFCu)]
    public void RoundToIntegralFloat(float x, IR mode, uint expected) =>
        Same(expected, Cvt.F32ToIntegralF32(x, mode, ftz: false, saturate: false));

    [Fact]
    public void IntegralAndSaturatingFloatConversions()
    {
        Same(One, Cvt.F32ToIntegralF32(2.5f, IR.Rni, ftz: false, saturate: true));
        Same(PlusZero, Cvt.F32ToIntegralF32(-3.5f, IR.Rmi, ftz: false, saturate: true));
        Assert.True(float.IsNaN(Cvt.F32ToIntegralF32(float.NaN, IR.Rzi, false, false)));
        Same(PlusZero, Cvt.SaturateF32(float.NaN, ftz: false));
        Same(0x3F000000u, Cvt.SaturateF32(0.5f, ftz: true));
        Assert.Equal(-3.0, Cvt.F64ToIntegralF64(-2.5, IR.Rmi, saturate: false));
        Assert.Equal(0.0, Cvt.F64ToIntegralF64(-2.5, IR.Rmi, saturate: true));
    }

    [Theory]
    // 2^24 + 1 is a tie between 2^24 (even) and 2^24 + 2; 2^24 + 3 ties to 2^24 + 4 (even).
    [InlineData(16777217L, R.Rn, 0x4B800000u), InlineData(16777217L, R.Rz, 0x4B800000u)]
    [InlineData(16777217L, R.Rm, 0x4B800000u), InlineData(16777217L, R.Rp, 0x4B800001u)]
    [InlineData(16777219L, R.Rn, 0x4B800002u), InlineData(-16777217L, R.Rm, 0xCB800001u)]
    [InlineData(-16777217L, R.Rz, 0xCB800000u), InlineData(long.MaxValue, R.Rn, 0x5F000000u)]
    [InlineData(long.MaxValue, R.Rz, 0x5EFFFFFFu), InlineData(long.MinValue, R.Rm, 0xDF000000u)]
    [InlineData(0L, R.Rm, PlusZero), InlineData(-1L, R.Rp, MinusOne)]
    public void SignedToF32(long value, R mode, uint expected) => Same(expected, Cvt.SignedToF32(value, mode));

    [Fact]
    public void UnsignedAndDoubleIntegerConversions()
    {
        Same(0x5F800000u, Cvt.UnsignedToF32(ulong.MaxValue, R.Rn));
        Same(0x5F7FFFFFu, Cvt.UnsignedToF32(ulong.MaxValue, R.Rz));
        Same(0x4F800000u, Cvt.UnsignedToF32(uint.MaxValue, R.Rn));
        Same(0x4F7FFFFFu, Cvt.UnsignedToF32(uint.MaxValue, R.Rm));
        Assert.Equal(9007199254740992.0, Cvt.SignedToF64((1L << 53) + 1, R.Rn));
        Assert.Equal(9007199254740994.0, Cvt.SignedToF64((1L << 53) + 1, R.Rp));
        Assert.Equal(-9007199254740994.0, Cvt.SignedToF64(-(1L << 53) - 1, R.Rm));
        Assert.Equal(-9223372036854775808.0, Cvt.SignedToF64(long.MinValue, R.Rz));
        Same(0x43EFFFFFFFFFFFFFUL, Cvt.UnsignedToF64(ulong.MaxValue, R.Rz));
        Same(0x43F0000000000000UL, Cvt.UnsignedToF64(ulong.MaxValue, R.Rn));
        Assert.Equal((ushort)0x7BFF, Cvt.SignedToF16(65519, R.Rn)); // 65504
        Assert.Equal((ushort)0x7C00, Cvt.SignedToF16(65520, R.Rn));
        Assert.Equal((ushort)0x7BFF, Cvt.UnsignedToF16(100000, R.Rz));
        Assert.Equal((ushort)0xFC00, Cvt.SignedToF16(-100000, R.Rm));
        Assert.Equal((ushort)0x6801, Cvt.SignedToF16(2049, R.Rp)); // 2050
        Assert.Equal((ushort)0x6800, Cvt.SignedToF16(2049, R.Rn)); // tie to even: 2048
    }

    [Theory]
    // 1 + 2^-24 (a double) is a tie for f32; 1e39 overflows f32; 1e-46 is below half the smallest subnormal.
    [InlineData(1.0000000596046448, R.Rn, One), InlineData(1.0000000596046448, R.Rp, OnePlusUlp)]
    [InlineData(1e39, R.Rn, PlusInf), InlineData(1e39, R.Rz, MaxFinite), InlineData(-1e39, R.Rp, MinusMaxFinite)]
    [InlineData(1e-46, R.Rn, PlusZero), InlineData(1e-46, R.Rp, MinSubnormal), InlineData(-1e-46, R.Rm, MinusMinSubnormal)]
    [InlineData(-1e-46, R.Rz, MinusZero)]
    public void F64ToF32(double x, R mode, uint expected) => Same(expected, Cvt.F64ToF32(x, mode, ftz: false));

    [Fact]
    public void FloatWideningAndNarrowingFtz()
    {
        Same(PlusZero, Cvt.F64ToF32(1e-40, R.Rn, ftz: true)); // subnormal f32 result flushed
        Same(0x000116C2u, Cvt.F64ToF32(1e-40, R.Rn, ftz: false));
        Assert.Equal(0.0, Cvt.F32ToF64(F(0x00400000), ftz: true));
        Assert.True(double.IsNegative(Cvt.F32ToF64(F(0x80400000), ftz: true)));
        Assert.Equal(Math.ScaleB(1.0, -127), Cvt.F32ToF64(F(0x00400000), ftz: false));
        Assert.True(float.IsNaN(Cvt.F64ToF32(double.NaN, R.Rz, false)));
    }

    [Theory]
    [InlineData(65520f, R.Rn, 0x7C00), InlineData(65519f, R.Rn, 0x7BFF), InlineData(65520f, R.Rz, 0x7BFF)]
    [InlineData(-65520f, R.Rm, 0xFC00), InlineData(-65520f, R.Rp, 0xFBFF), InlineData(1e6f, R.Rm, 0x7BFF)]
    [InlineData(1.00048828125f, R.Rn, 0x3C00)] // 1 + 2^-11: tie, even stays 1
    [InlineData(1.00146484375f, R.Rn, 0x3C02)] // 1 + 3 * 2^-11: tie, rounds to the even 1 + 2^-9
    [InlineData(1.00048828125f, R.Rp, 0x3C01)]
    [InlineData(5.9604644775390625e-8f, R.Rn, 0x0001)] // 2^-24, smallest f16 subnormal
    [InlineData(2.98023223876953125e-8f, R.Rn, 0x0000)] // 2^-25: tie, to even zero
    [InlineData(-2.98023223876953125e-8f, R.Rn, 0x8000)]
    [InlineData(4.470348358154296875e-8f, R.Rn, 0x0001)] // 0.75 of the smallest subnormal
    [InlineData(8.940696716308594e-8f, R.Rn, 0x0002)] // 1.5 units: tie, to even 2
    [InlineData(2.98023223876953125e-8f, R.Rp, 0x0001)]
    [InlineData(float.PositiveInfinity, R.Rz, 0x7C00), InlineData(-0f, R.Rn, 0x8000)]
    public void F32ToF16(float x, R mode, int expected) => Assert.Equal((ushort)expected, Cvt.F32ToF16(x, mode, ftz: false));

    [Fact]
    public void HalfNaNAndWidening()
    {
        ushort nan = Cvt.F32ToF16(float.NaN, R.Rn, false);
        Assert.True((nan & 0x7C00) == 0x7C00 && (nan & 0x03FF) != 0, $"0x{nan:X4} is not a NaN");
        Same(0x477FE000u, Cvt.F16ToF32(0x7BFF, false)); // 65504
        Same(0x33800000u, Cvt.F16ToF32(0x0001, false)); // 2^-24 stays (it is normal in f32)
        Same(MinusZero, Cvt.F16ToF32(0x8000, false));
        Same(PlusInf, Cvt.F16ToF32(0x7C00, false));
        Same(0x3EAAA000u, Cvt.F16ToF32(0x3555, false)); // 0.333251953125
        Assert.Equal(65504.0, Cvt.F16ToF64(0x7BFF));
        Assert.Equal((ushort)0x0001, Cvt.F32ToF16(F(MinSubnormal), R.Rp, ftz: false)); // tiny positive rounds up
        Assert.Equal((ushort)0x0000, Cvt.F32ToF16(F(MinSubnormal), R.Rp, ftz: true)); // flushed input first
    }

    [Fact]
    public void F16x2PutsTheFirstOperandInTheUpperHalf() =>
        Assert.Equal(0x3C004000u, Cvt.F32PairToF16x2(1f, 2f, R.Rn, false));

    [Theory]
    [InlineData(0x3F801000u, 0x3F802000u)] // 1 + 2^-11: half a tf32 ulp, ties away from zero
    [InlineData(0x3F800FFFu, 0x3F800000u)] // just below the tie
    [InlineData(0xBF801000u, 0xBF802000u)] // negative tie, away from zero
    [InlineData(0x3F803000u, 0x3F804000u)] // tie above an odd mantissa: still away (not to even)
    [InlineData(0x7F7FFFFFu, 0x7F800000u)] // above the largest tf32 + half ulp: +inf
    [InlineData(0x7F7FEFFFu, 0x7F7FE000u)] // just below: the largest tf32
    [InlineData(0xFF7FF000u, 0xFF800000u)] // negative overflow
    [InlineData(0x7F800000u, 0x7F800000u), InlineData(0xFF800000u, 0xFF800000u)]
    [InlineData(0x00001000u, 0x00002000u), InlineData(0x00000FFFu, 0x00000000u)] // subnormals round too
    [InlineData(0x80000000u, 0x80000000u)]
    public void F32ToTf32(uint input, uint expected) => Assert.Equal(expected, Cvt.F32ToTf32(F(input)));

    [Theory, InlineData(0x7F800001u), InlineData(0xFF800FFFu), InlineData(0x7FC00000u)]
    public void Tf32KeepsNaNsNaN(uint nan)
    {
        uint r = Cvt.F32ToTf32(F(nan));
        Assert.True(float.IsNaN(F(r)) && (r & 0x1FFF) == 0, $"0x{r:X8}");
        Assert.Equal(nan & 0x80000000, r & 0x80000000);
    }

    [Fact]
    public void IntegerWidthConversions()
    {
        Assert.Equal(ulong.MaxValue, Cvt.IntToInt(0xFFFFFFFF, IntType.S32, IntType.S64, false));
        Assert.Equal(0xFFFFFFFFUL, Cvt.IntToInt(0xFFFFFFFF, IntType.U32, IntType.U64, false));
        Assert.Equal(0x23456789UL, Cvt.IntToInt(0x123456789, IntType.U64, IntType.U32, false));
        Assert.Equal(0x2345UL, Cvt.IntToInt(0x12345, IntType.U32, IntType.U16, false));
        Assert.Equal(0xFFFFFFFFFFFFFF80UL, Cvt.IntToInt(0x80, IntType.S8, IntType.S32, false));
        Assert.Equal(0xFFFFFF80UL, Cvt.IntToInt(0x80, IntType.S8, IntType.U32, false));
        Assert.Equal(0x80UL, Cvt.IntToInt(0xFFFFFF80, IntType.U8, IntType.S32, false));
        Assert.Equal(0UL, Cvt.IntToInt(unchecked((ulong)-5L), IntType.S32, IntType.U16, true));
        Assert.Equal(32767UL, Cvt.IntToInt(70000, IntType.S32, IntType.S16, true));
        Assert.Equal((ulong)long.MaxValue, Cvt.IntToInt(ulong.MaxValue, IntType.U64, IntType.S64, true));
        Assert.Equal(0UL, Cvt.IntToInt(ulong.MaxValue, IntType.S64, IntType.U64, true));
        Assert.Equal(0xFFFFFFFFFFFF8000UL, Cvt.IntToInt(unchecked((ulong)-70000L), IntType.S64, IntType.S16, true));
    }
}
