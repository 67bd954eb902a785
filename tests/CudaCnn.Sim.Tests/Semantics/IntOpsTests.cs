using CudaCnn.Sim.Semantics;

namespace CudaCnn.Sim.Tests.Semantics;

/// <summary>Hand-computed integer results where PTX and C# differ: products, division edges, shifts, bit fields.</summary>
public class IntOpsTests
{
    [Fact]
    public void HighAndWideProducts()
    {
        Assert.Equal(-1, IntOps.MulHiS32(-1, 1));
        Assert.Equal(0x40000000, IntOps.MulHiS32(int.MinValue, int.MinValue));
        Assert.Equal(0xFFFFFFFEu, IntOps.MulHiU32(uint.MaxValue, uint.MaxValue));
        Assert.Equal(0xD2511F52u, IntOps.MulHiU32(0xD2511F53, uint.MaxValue)); // Philox multiplier
        Assert.Equal(1L << 62, IntOps.MulHiS64(long.MinValue, long.MinValue));
        Assert.Equal(-1L, IntOps.MulHiS64(-1, 5));
        Assert.Equal(ulong.MaxValue - 1, IntOps.MulHiU64(ulong.MaxValue, ulong.MaxValue));
        Assert.Equal((short)-1, IntOps.MulHiS16(-2, 3));
        Assert.Equal((ushort)0xFFFE, IntOps.MulHiU16(0xFFFF, 0xFFFF));
        Assert.Equal(-6L, IntOps.MulWideS32(-2, 3));
        Assert.Equal(0x4000000000000000L, IntOps.MulWideS32(int.MinValue, int.MinValue));
        Assert.Equal(0xFFFFFFFE00000001UL, IntOps.MulWideU32(uint.MaxValue, uint.MaxValue));
        Assert.Equal(0xFFFE0001u, IntOps.MulWideU16(0xFFFF, 0xFFFF));
        Assert.Equal(-131072, IntOps.MulWideS16(short.MinValue, 4));
    }

    [Fact]
    public void SignedDivisionEdges()
    {
        Assert.Equal(int.MinValue, IntOps.DivS32(int.MinValue, -1, out bool z1));
        Assert.False(z1);
        Assert.Equal(0, IntOps.RemS32(int.MinValue, -1, out _));
        Assert.Equal(-3, IntOps.DivS32(7, -2, out _));
        Assert.Equal(1, IntOps.RemS32(7, -2, out _));
        Assert.Equal(-3, IntOps.DivS32(-7, 2, out _));
        Assert.Equal(-1, IntOps.RemS32(-7, 2, out _));
        Assert.Equal(long.MinValue, IntOps.DivS64(long.MinValue, -1, out _));
        Assert.Equal(0L, IntOps.RemS64(long.MinValue, -1, out _));
        Assert.Equal(-7L / 2, IntOps.DivS64(-7, 2, out _));
    }

    [Fact]
    public void DivisionByZeroIsReportedWithFixedValues()
    {
        Assert.Equal(IntOps.DivideByZeroQuotient, IntOps.DivS32(5, 0, out bool z));
        Assert.True(z);
        Assert.Equal(5, IntOps.RemS32(5, 0, out z));
        Assert.True(z);
        Assert.Equal(uint.MaxValue, IntOps.DivU32(5, 0, out z));
        Assert.True(z);
        Assert.Equal(5u, IntOps.RemU32(5, 0, out z));
        Assert.True(z);
        Assert.Equal(-1L, IntOps.DivS64(5, 0, out z));
        Assert.True(z);
        Assert.Equal(ulong.MaxValue, IntOps.DivU64(5, 0, out z));
        Assert.True(z);
        Assert.Equal(9UL, IntOps.RemU64(9, 0, out z));
        Assert.True(z);
        Assert.Equal(3u, IntOps.DivU32(7, 2, out z));
        Assert.False(z);
        Assert.Equal(1UL, IntOps.RemU64(7, 2, out z));
        Assert.False(z);
    }

    [Fact]
    public void AbsAndSad()
    {
        Assert.Equal(int.MinValue, IntOps.AbsS32(int.MinValue));
        Assert.Equal(long.MinValue, IntOps.AbsS64(long.MinValue));
        Assert.Equal(5, IntOps.AbsS32(-5));
        Assert.Equal(18, IntOps.SadS32(-5, 3, 10));
        Assert.Equal(-1, IntOps.SadS32(int.MaxValue, int.MinValue, 0)); // |diff| = 2^32 - 1 wraps
        Assert.Equal(0xFFFFFFFEu, IntOps.SadU32(1, uint.MaxValue, 0)); // unsigned: 0xFFFFFFFF is large, not -1
        Assert.Equal(1u, IntOps.SadU32(1, uint.MaxValue, 3)); // wraps
        Assert.Equal(8L, IntOps.SadS64(-3, 5, 0));
        Assert.Equal(2UL, IntOps.SadU64(5, 3, 0));
    }

    [Fact]
    public void ShiftAmountsAreClampedNotMasked()
    {
        Assert.Equal(0u, IntOps.Shl32(1, 32));
        Assert.Equal(0u, IntOps.Shl32(1, 33)); // C# would give 2
        Assert.Equal(0u, IntOps.Shl32(1, uint.MaxValue));
        Assert.Equal(0x80000000u, IntOps.Shl32(1, 31));
        Assert.Equal(0u, IntOps.ShrU32(0x80000000, 32));
        Assert.Equal(1u, IntOps.ShrU32(0x80000000, 31));
        Assert.Equal(-1, IntOps.ShrS32(int.MinValue, 40));
        Assert.Equal(0, IntOps.ShrS32(int.MaxValue, 100));
        Assert.Equal(-1, IntOps.ShrS32(-8, uint.MaxValue));
        Assert.Equal(0UL, IntOps.Shl64(1, 64));
        Assert.Equal(1UL << 63, IntOps.Shl64(1, 63));
        Assert.Equal(0UL, IntOps.ShrU64(ulong.MaxValue, 64));
        Assert.Equal(-1L, IntOps.ShrS64(-2, 1000));
        Assert.Equal((ushort)0, IntOps.Shl16(1, 16));
        Assert.Equal((ushort)0x8000, IntOps.Shl16(1, 15));
        Assert.Equal((ushort)0, IntOps.ShrU16(0x8000, 17));
        Assert.Equal((short)-1, IntOps.ShrS16(short.MinValue, 16));
    }

    [Theory]
    [InlineData(8u, true, false, 0x23456789u), InlineData(8u, false, false, 0x6789ABCDu)]
    [InlineData(40u, true, false, 0x23456789u), InlineData(40u, false, false, 0x6789ABCDu)] // wrap: 40 & 31 = 8
    [InlineData(40u, true, true, 0x89ABCDEFu), InlineData(40u, false, true, 0x01234567u)] // clamp: 32
    [InlineData(0u, true, false, 0x01234567u), InlineData(0u, false, false, 0x89ABCDEFu)]
    [InlineData(32u, true, false, 0x01234567u)] // wrap: 32 & 31 = 0
    public void FunnelShift(uint c, bool left, bool clamp, uint expected) =>
        Assert.Equal(expected, IntOps.Shf(0x89ABCDEF, 0x01234567, c, left, clamp));

    [Fact]
    public void BitCounting()
    {
        Assert.Equal(32u, IntOps.Clz32(0));
        Assert.Equal(31u, IntOps.Clz32(1));
        Assert.Equal(0u, IntOps.Clz32(0x80000000));
        Assert.Equal(64u, IntOps.Clz64(0));
        Assert.Equal(23u, IntOps.Clz64(1UL << 40));
        Assert.Equal(32u, IntOps.Popc32(uint.MaxValue));
        Assert.Equal(0u, IntOps.Popc32(0));
        Assert.Equal(64u, IntOps.Popc64(ulong.MaxValue));
        Assert.Equal(13u, IntOps.Popc32(0x12345678));
    }

    [Fact]
    public void Bfind()
    {
        Assert.Equal(IntOps.BfindNone, IntOps.BfindU32(0, false));
        Assert.Equal(IntOps.BfindNone, IntOps.BfindU32(0, true));
        Assert.Equal(0u, IntOps.BfindU32(1, false));
        Assert.Equal(31u, IntOps.BfindU32(1, true));
        Assert.Equal(31u, IntOps.BfindU32(0x80000000, false));
        Assert.Equal(0u, IntOps.BfindU32(0x80000000, true));
        Assert.Equal(IntOps.BfindNone, IntOps.BfindS32(-1, false)); // no bit differs from the sign
        Assert.Equal(IntOps.BfindNone, IntOps.BfindS32(0, false));
        Assert.Equal(0u, IntOps.BfindS32(-2, false));
        Assert.Equal(30u, IntOps.BfindS32(int.MinValue, false));
        Assert.Equal(30u, IntOps.BfindS32(int.MaxValue, false));
        Assert.Equal(40u, IntOps.BfindU64(1UL << 40, false));
        Assert.Equal(23u, IntOps.BfindU64(1UL << 40, true));
        Assert.Equal(IntOps.BfindNone, IntOps.BfindS64(-1, true));
        Assert.Equal(62u, IntOps.BfindS64(long.MinValue, false));
    }

    /// <summary>NVRTC builds <c>__ffs(x)</c> as <c>bfind.shiftamt(brev(x)) + 1</c>: ffs(0) must be 0.</summary>
    [Theory, InlineData(0u, 0u), InlineData(1u, 1u), InlineData(8u, 4u), InlineData(0x80000000u, 32u), InlineData(0x00F00000u, 21u)]
    public void FfsFromBrevAndBfind(uint x, uint ffs) => Assert.Equal(ffs, IntOps.BfindU32(IntOps.Brev32(x), true) + 1);

    [Fact]
    public void BitReversal()
    {
        Assert.Equal(0x80000000u, IntOps.Brev32(1));
        Assert.Equal(0x1E6A2C48u, IntOps.Brev32(0x12345678));
        Assert.Equal(1UL << 63, IntOps.Brev64(1));
        Assert.Equal(0x00000000_1E6A2C48UL, IntOps.Brev64(0x12345678_00000000));
    }

    [Fact]
    public void BitFieldInsert()
    {
        Assert.Equal(0x12345F78u, IntOps.Bfi32(0xFF, 0x12345678, 8, 4));
        Assert.Equal(0xF2345678u, IntOps.Bfi32(0xFF, 0x12345678, 28, 8)); // clipped at bit 31
        Assert.Equal(0x12345678u, IntOps.Bfi32(0xFF, 0x12345678, 8, 0));
        Assert.Equal(0x12345678u, IntOps.Bfi32(0xFF, 0x12345678, 32, 4));
        Assert.Equal(0x12345F78u, IntOps.Bfi32(0xFF, 0x12345678, 256 + 8, 256 + 4)); // modulo 256
        Assert.Equal(0xDEADBEEFu, IntOps.Bfi32(0xDEADBEEF, 0x12345678, 0, 32));
        Assert.Equal(0x11111111_BBBBBBBBUL, IntOps.Bfi64(0x11111111, 0xAAAAAAAA_BBBBBBBB, 32, 32)); // libdevice's word surgery
        Assert.Equal(ulong.MaxValue, IntOps.Bfi64(ulong.MaxValue, 0, 0, 64));
    }

    [Fact]
    public void BitFieldExtract()
    {
        Assert.Equal(0x56u, IntOps.BfeU32(0x12345678, 8, 8));
        Assert.Equal(0x0F, IntOps.BfeS32(0x000080F0, 4, 8)); // sign bit (bit 11) clear
        Assert.Equal(-1, IntOps.BfeS32(0x00000F00, 8, 4)); // sign bit (bit 11) set
        Assert.Equal(0x1u, IntOps.BfeU32(0x12345678, 28, 8)); // clipped at bit 31, zero fill
        Assert.Equal(-8, IntOps.BfeS32(int.MinValue, 28, 8)); // fill with bit 31
        Assert.Equal(0u, IntOps.BfeU32(0xFFFFFFFF, 4, 0));
        Assert.Equal(0, IntOps.BfeS32(-1, 4, 0));
        Assert.Equal(0u, IntOps.BfeU32(0xFFFFFFFF, 40, 4));
        Assert.Equal(-1, IntOps.BfeS32(int.MinValue, 40, 4)); // fill with bit 31
        Assert.Equal(0xFFFFu, IntOps.BfeU32(0xFFFFFFFF, 256 + 0, 16));
        Assert.Equal(0xABCDUL, IntOps.BfeU64(0xABCD_0000_0000_0000, 48, 16));
        Assert.Equal(-0x5433L, IntOps.BfeS64(unchecked((long)0xABCD_0000_0000_0000), 48, 16));
        Assert.Equal(-1L, IntOps.BfeS64(-1, 0, 64));
    }

    [Theory]
    [InlineData(0x3210u, 0x33221100u), InlineData(0x7654u, 0x77665544u), InlineData(0x0123u, 0x00112233u)]
    [InlineData(0x4444u, 0x44444444u), InlineData(0xFFFF3210u, 0x33221100u)] // upper bits of c ignored
    [InlineData(0x5140u, 0x55114400u)]
    public void PermuteDefaultMode(uint c, uint expected) => Assert.Equal(expected, IntOps.Prmt(0x33221100, 0x77665544, c));

    [Fact]
    public void PermuteSignReplication() =>
        Assert.Equal(0xF0F0F0FFu, IntOps.Prmt(0x000000F0, 0, 0x0008)); // byte 0 = sign of 0xF0, others copy byte 0

    [Theory]
    [InlineData(PrmtMode.F4e, 1u, 0x44332211u), InlineData(PrmtMode.F4e, 3u, 0x66554433u)]
    [InlineData(PrmtMode.B4e, 0u, 0x55667700u), InlineData(PrmtMode.B4e, 3u, 0x00112233u)]
    [InlineData(PrmtMode.Rc8, 2u, 0x22222222u), InlineData(PrmtMode.Ecl, 2u, 0x33222222u)]
    [InlineData(PrmtMode.Ecr, 1u, 0x11111100u), InlineData(PrmtMode.Rc16, 1u, 0x33223322u)]
    [InlineData(PrmtMode.Rc16, 6u, 0x11001100u)] // only c[1:0] counts
    public void PermuteSpecialModes(PrmtMode mode, uint c, uint expected) =>
        Assert.Equal(expected, IntOps.Prmt(0x33221100, 0x77665544, c, mode));
}
