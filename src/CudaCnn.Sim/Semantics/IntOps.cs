using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace CudaCnn.Sim.Semantics;

/// <summary>
/// Per-lane integer semantics where PTX differs from C#: high and wide products, division edge cases, abs of the
/// minimum, shift clamping (C# masks shift counts), and the bit-field instructions. Plain wrapping add/sub/mul.lo and
/// bitwise ops are ordinary unchecked C# and are not repeated here.
/// </summary>
public static class IntOps
{
    /// <summary>Quotient written for a division by zero (all ones); the remainder is the dividend. The ISA leaves
    /// both unspecified, the executor reports the division.</summary>
    public const int DivideByZeroQuotient = -1;

    // ---- products -----------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MulHiS32(int a, int b) => (int)(((long)a * b) >> 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint MulHiU32(uint a, uint b) => (uint)(((ulong)a * b) >> 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long MulHiS64(long a, long b) => Math.BigMul(a, b, out _);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MulHiU64(ulong a, ulong b) => Math.BigMul(a, b, out _);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short MulHiS16(short a, short b) => (short)((a * b) >> 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort MulHiU16(ushort a, ushort b) => (ushort)(((uint)a * b) >> 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long MulWideS32(int a, int b) => (long)a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MulWideU32(uint a, uint b) => (ulong)a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MulWideS16(short a, short b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint MulWideU16(ushort a, ushort b) => (uint)a * b;

    // ---- division -----------------------------------------------------------------------------------------------

    /// <summary><c>div.s32</c>: truncating; MinValue / -1 wraps to MinValue; /0 gives -1 and sets the flag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DivS32(int a, int b, out bool divideByZero)
    {
        divideByZero = b == 0;
        return b == 0 ? DivideByZeroQuotient : b == -1 ? unchecked(-a) : a / b;
    }

    /// <summary><c>rem.s32</c>: sign of the dividend; MinValue % -1 = 0; %0 gives the dividend and sets the flag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RemS32(int a, int b, out bool divideByZero)
    {
        divideByZero = b == 0;
        return b == 0 ? a : b == -1 ? 0 : a % b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint DivU32(uint a, uint b, out bool divideByZero)
    {
        divideByZero = b == 0;
        return b == 0 ? uint.MaxValue : a / b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint RemU32(uint a, uint b, out bool divideByZero)
    {
        divideByZero = b == 0;
        return b == 0 ? a : a % b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long DivS64(long a, long b, out bool divideByZero)
    {
        divideByZero = b == 0;
        return b == 0 ? DivideByZeroQuotient : b == -1 ? unchecked(-a) : a / b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long RemS64(long a, long b, out bool divideByZero)
    {
        divideByZero = b == 0;
        return b == 0 ? a : b == -1 ? 0 : a % b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong DivU64(ulong a, ulong b, out bool divideByZero)
    {
        divideByZero = b == 0;
        return b == 0 ? ulong.MaxValue : a / b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong RemU64(ulong a, ulong b, out bool divideByZero)
    {
        divideByZero = b == 0;
        return b == 0 ? a : a % b;
    }

    // ---- abs, sad -----------------------------------------------------------------------------------------------

    /// <summary><c>abs.s32</c>: abs(MinValue) = MinValue (C#'s Math.Abs throws).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int AbsS32(int a) => a < 0 ? unchecked(-a) : a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long AbsS64(long a) => a < 0 ? unchecked(-a) : a;

    /// <summary><c>sad.s32</c>: c + |a - b|, wrapping.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SadS32(int a, int b, int c) => unchecked(c + (a < b ? b - a : a - b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SadU32(uint a, uint b, uint c) => unchecked(c + (a < b ? b - a : a - b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SadS64(long a, long b, long c) => unchecked(c + (a < b ? b - a : a - b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SadU64(ulong a, ulong b, ulong c) => unchecked(c + (a < b ? b - a : a - b));

    // ---- shifts (amount is an unsigned 32-bit value, clamped to the width) ------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Shl16(ushort a, uint n) => n >= 16 ? (ushort)0 : (ushort)(a << (int)n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort ShrU16(ushort a, uint n) => n >= 16 ? (ushort)0 : (ushort)(a >> (int)n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short ShrS16(short a, uint n) => (short)(a >> (int)Math.Min(n, 15u));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Shl32(uint a, uint n) => n >= 32 ? 0 : a << (int)n;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ShrU32(uint a, uint n) => n >= 32 ? 0 : a >> (int)n;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ShrS32(int a, uint n) => a >> (int)Math.Min(n, 31u);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Shl64(ulong a, uint n) => n >= 64 ? 0 : a << (int)n;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ShrU64(ulong a, uint n) => n >= 64 ? 0 : a >> (int)n;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ShrS64(long a, uint n) => a >> (int)Math.Min(n, 63u);

    /// <summary>
    /// <c>shf.{l,r}.{wrap,clamp}.b32 d, a, b, c</c>: funnel shift of the 64-bit value <c>b:a</c> (a is the low word)
    /// by <c>c &amp; 31</c> (wrap) or <c>min(c, 32)</c> (clamp); <c>.l</c> returns the high word, <c>.r</c> the low.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Shf(uint a, uint b, uint c, bool left, bool clamp)
    {
        int n = clamp ? (int)Math.Min(c, 32u) : (int)(c & 31);
        ulong v = (ulong)b << 32 | a;
        return left ? (uint)((v << n) >> 32) : (uint)(v >> n);
    }

    // ---- bit counting -------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Popc32(uint a) => (uint)BitOperations.PopCount(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Popc64(ulong a) => (uint)BitOperations.PopCount(a);

    /// <summary><c>clz.b32</c>: clz(0) = 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Clz32(uint a) => (uint)BitOperations.LeadingZeroCount(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Clz64(ulong a) => (uint)BitOperations.LeadingZeroCount(a);

    /// <summary>Result of <c>bfind</c> when no bit is found.</summary>
    public const uint BfindNone = 0xFFFFFFFF;

    /// <summary><c>bfind[.shiftamt].u32</c>: position of the most significant 1 (or 31 minus it), none -> all ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint BfindU32(uint a, bool shiftAmount) =>
        a == 0 ? BfindNone : shiftAmount ? (uint)BitOperations.LeadingZeroCount(a) : 31u - (uint)BitOperations.LeadingZeroCount(a);

    /// <summary><c>bfind[.shiftamt].s32</c>: most significant bit that differs from the sign bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint BfindS32(int a, bool shiftAmount) => BfindU32((uint)(a < 0 ? ~a : a), shiftAmount);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint BfindU64(ulong a, bool shiftAmount) =>
        a == 0 ? BfindNone : shiftAmount ? (uint)BitOperations.LeadingZeroCount(a) : 63u - (uint)BitOperations.LeadingZeroCount(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint BfindS64(long a, bool shiftAmount) => BfindU64((ulong)(a < 0 ? ~a : a), shiftAmount);

    // ---- bit reversal, bit fields, byte permute ----------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Brev32(uint a)
    {
        a = (a >> 1 & 0x55555555) | (a & 0x55555555) << 1;
        a = (a >> 2 & 0x33333333) | (a & 0x33333333) << 2;
        a = (a >> 4 & 0x0F0F0F0F) | (a & 0x0F0F0F0F) << 4;
        return BinaryPrimitives.ReverseEndianness(a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Brev64(ulong a) => (ulong)Brev32((uint)a) << 32 | Brev32((uint)(a >> 32));

    /// <summary>
    /// <c>bfi.b32 f, a, b, pos, len</c>: <paramref name="b"/> with bits [pos, pos+len) (clipped at bit 31) replaced
    /// by the low bits of <paramref name="a"/>; pos and len are taken modulo 256.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Bfi32(uint a, uint b, uint pos, uint len) => (uint)BitFieldInsert(a, b, pos, len, 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Bfi64(ulong a, ulong b, uint pos, uint len) => BitFieldInsert(a, b, pos, len, 64);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BitFieldInsert(ulong a, ulong b, uint pos, uint len, int width)
    {
        pos &= 0xFF;
        len &= 0xFF;
        if (len == 0 || pos >= width) return b;
        int bits = (int)Math.Min(len, (uint)width - pos);
        ulong mask = (bits == 64 ? ulong.MaxValue : (1UL << bits) - 1) << (int)pos;
        return (b & ~mask) | ((a << (int)pos) & mask);
    }

    /// <summary>
    /// <c>bfe.u32 d, a, pos, len</c>: <paramref name="len"/> bits at <paramref name="pos"/> (both modulo 256, clipped
    /// at bit 31), zero-filled; len 0 gives 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint BfeU32(uint a, uint pos, uint len) => (uint)BitFieldExtract(a, pos, len, 32, false);

    /// <summary><c>bfe.s32</c>: as <see cref="BfeU32"/> but filled with bit min(pos+len-1, 31) of a (0 if len is 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BfeS32(int a, uint pos, uint len) => (int)BitFieldExtract((uint)a, pos, len, 32, true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong BfeU64(ulong a, uint pos, uint len) => BitFieldExtract(a, pos, len, 64, false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long BfeS64(long a, uint pos, uint len) => (long)BitFieldExtract((ulong)a, pos, len, 64, true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BitFieldExtract(ulong a, uint pos, uint len, int width, bool signed)
    {
        pos &= 0xFF;
        len &= 0xFF;
        if (len == 0) return 0;
        int msb = width - 1;
        bool signBit = signed && (a >> (int)Math.Min(pos + len - 1, (uint)msb) & 1) != 0;
        ulong fill = signBit ? ulong.MaxValue : 0;
        if (pos > msb) return fill & WidthMask(width);
        int bits = (int)Math.Min(len, (uint)width - pos);
        ulong field = (a >> (int)pos) & (bits == 64 ? ulong.MaxValue : (1UL << bits) - 1);
        ulong high = bits == 64 ? 0 : fill << bits;
        return (field | high) & WidthMask(width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong WidthMask(int width) => width == 64 ? ulong.MaxValue : (1UL << width) - 1;

    /// <summary>
    /// <c>prmt.b32[.mode] d, a, b, c</c>. The bytes of <c>{b, a}</c> are numbered 0-7 (a holds 0-3). Default mode: for
    /// result byte i, nibble i of <paramref name="c"/> selects a source byte with its low 3 bits, and bit 3 set
    /// replicates that byte's sign bit. The other modes use <c>c[1:0]</c> to pick a fixed byte pattern.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Prmt(uint a, uint b, uint c, PrmtMode mode = PrmtMode.Default)
    {
        ulong source = (ulong)b << 32 | a;
        uint result = 0;
        if (mode == PrmtMode.Default)
        {
            for (int i = 0; i < 4; i++)
            {
                uint selector = c >> (4 * i) & 0xF;
                uint value = (uint)(source >> (int)(8 * (selector & 7))) & 0xFF;
                if ((selector & 8) != 0) value = (value & 0x80) != 0 ? 0xFFu : 0u;
                result |= value << (8 * i);
            }
            return result;
        }

        // Byte indices for d.b3..d.b0 as nibbles, one 16-bit row per selector value c[1:0] (PTX ISA prmt table).
        ulong rows = mode switch
        {
            PrmtMode.F4e => 0x6543_5432_4321_3210,
            PrmtMode.B4e => 0x0123_7012_6701_5670,
            PrmtMode.Rc8 => 0x3333_2222_1111_0000,
            PrmtMode.Ecl => 0x3333_3222_3211_3210,
            PrmtMode.Ecr => 0x3210_2210_1110_0000,
            _ => 0x3232_1010_3232_1010, // Rc16
        };
        uint pattern = (uint)(rows >> (int)(16 * (c & 3))) & 0xFFFF;
        for (int i = 0; i < 4; i++)
            result |= ((uint)(source >> (int)(8 * (pattern >> (4 * i) & 0xF))) & 0xFF) << (8 * i);
        return result;
    }
}
