using System.Numerics;
using CudaCnn.Sim.Semantics;
using CudaCnn.Tests.Shared;
using static CudaCnn.Sim.Tests.Conformance.ConformanceInputs;

namespace CudaCnn.Sim.Tests.Conformance;

/// <summary>
/// Integer instruction families through NVRTC and the software GPU: division and remainder edge cases (including
/// the reported division by zero), high and wide products, bit operations, shifts by amounts of at least the width,
/// bit fields, byte permutes and funnel shifts, and the atomic value rules.
/// </summary>
public class IntegerConformanceTests
{
    private const int RandomCount = 1000;

    [NvrtcFact]
    public void DivisionAndRemainderWithNonzeroDivisors()
    {
        var (a, b) = NonzeroDivisors(Pairs(S32Edges, RandomS32(31), RandomCount));
        Check("i_div", a, b, (x, y) => IntOps.DivS32(x, y, out _));
        Check("i_rem", a, b, (x, y) => IntOps.RemS32(x, y, out _));
        Check("asm_div_s32", a, b, (x, y) => IntOps.DivS32(x, y, out _)); // includes INT_MIN / -1, undefined in C
        Check("asm_rem_s32", a, b, (x, y) => IntOps.RemS32(x, y, out _));
        var ua = a.Select(x => (uint)x).ToArray();
        var ub = b.Select(x => (uint)x).ToArray();
        Check("u_div", ua, ub, (x, y) => IntOps.DivU32(x, y, out _));
        Check("u_rem", ua, ub, (x, y) => IntOps.RemU32(x, y, out _));
        var (la, lb) = WithoutOverflowingDivision(Pairs(S64Edges, RandomS64(32), RandomCount));
        Check("ll_div", la, lb, (x, y) => IntOps.DivS64(x, y, out _));
        Check("ll_rem", la, lb, (x, y) => IntOps.RemS64(x, y, out _));
        var ula = la.Select(x => (ulong)x).ToArray();
        var ulb = lb.Select(x => (ulong)x).ToArray();
        Check("ull_div", ula, ulb, (x, y) => IntOps.DivU64(x, y, out _));
        Check("ull_rem", ula, ulb, (x, y) => IntOps.RemU64(x, y, out _));
    }

    [NvrtcFact]
    public void DivisionByZeroIsReportedOrGivesTheDocumentedValue()
    {
        int[] a = [5, -5, int.MinValue], zero = [0, 0, 0];
        var violation = Assert.Throws<SimViolationException>(() => ConformanceRunner.Run<int, int>("asm_div_s32", a, zero));
        Assert.Equal(SimViolationKind.DivisionByZero, violation.Kind);
        var unchecked_ = new SimOptions { Deterministic = true, Checkers = SimCheckers.None };
        Assert.Equal(a.Select(_ => IntOps.DivideByZeroQuotient), ConformanceRunner.Run<int, int>("asm_div_s32", a, zero, options: unchecked_));
        Assert.Equal(a, ConformanceRunner.Run<int, int>("asm_rem_s32", a, zero, options: unchecked_));
    }

    [NvrtcFact]
    public void ProductsAndBitCounts()
    {
        var (a, b) = Pairs(S32Edges, RandomS32(33), RandomCount);
        var c = Singles([], RandomS32(34), a.Length);
        var (ua, ub, uc) = (U(a), U(b), U(c));
        Check("i_mulhi", a, b, IntOps.MulHiS32);
        Check("u_mulhi", ua, ub, IntOps.MulHiU32);
        Check<int, long>("i_mulwide", a, b, IntOps.MulWideS32);
        Check("i_abs", a, b, (x, _) => IntOps.AbsS32(x));
        Check<int, uint>("i_sad", a, b, c, (x, y, z) => (uint)IntOps.SadS32(x, y, z));
        Check("u_sad", ua, ub, uc, IntOps.SadU32);
        Check("u_brev", ua, ub, (x, _) => IntOps.Brev32(x));
        Check("i_clz", a, b, (x, _) => (int)IntOps.Clz32((uint)x));
        Check<uint, int>("u_popc", ua, ub, (x, _) => (int)IntOps.Popc32(x));
        Check("i_ffs", a, b, (x, _) => x == 0 ? 0 : BitOperations.TrailingZeroCount(x) + 1);

        var (la, lb) = Pairs(S64Edges, RandomS64(35), RandomCount);
        var (ula, ulb) = (la.Select(x => (ulong)x).ToArray(), lb.Select(x => (ulong)x).ToArray());
        Check("ll_mulhi", la, lb, IntOps.MulHiS64);
        Check("ull_mulhi", ula, ulb, IntOps.MulHiU64);
        Check("ull_brev", ula, ulb, (x, _) => IntOps.Brev64(x));
        Check<long, int>("ll_clz", la, lb, (x, _) => (int)IntOps.Clz64((ulong)x));
        Check<ulong, int>("ull_popc", ula, ulb, (x, _) => (int)IntOps.Popc64(x));
        Check<long, int>("ll_ffs", la, lb, (x, _) => x == 0 ? 0 : BitOperations.TrailingZeroCount(x) + 1);
    }

    [NvrtcFact]
    public void ShiftsClampAmountsOfAtLeastTheWidth()
    {
        uint[] amounts = [0, 1, 5, 31, 32, 33, 63, 64, 65, 100, 255, 256, 0x80000000, uint.MaxValue];
        var values = U(S32Edges);
        var a = values.SelectMany(v => amounts.Select(_ => v)).ToArray();
        var n = values.SelectMany(_ => amounts).ToArray();
        Check("k_shl_b32", a, n, IntOps.Shl32);
        Check("k_shr_u32", a, n, IntOps.ShrU32);
        Check("k_shr_s32", a, n, (x, s) => (uint)IntOps.ShrS32((int)x, s));
        var wide = S64Edges.Select(x => (ulong)x).SelectMany(v => amounts.Select(_ => v)).ToArray();
        var wideN = S64Edges.SelectMany(_ => amounts.Select(s => (ulong)s)).ToArray();
        Check("k_shl_b64", wide, wideN, (x, s) => IntOps.Shl64(x, (uint)s));
        Check("k_shr_s64", wide, wideN, (x, s) => (ulong)IntOps.ShrS64((long)x, (uint)s));
    }

    [NvrtcFact]
    public void BitFieldsPermutesAndFunnelShifts()
    {
        var (a, b) = Pairs(U(S32Edges), () => 0u, 0);
        var rng = new Random(36);
        var c = a.Select(_ => (uint)rng.NextInt64(0, 1L << 32) >> rng.Next(0, 32)).ToArray();
        // Positions and lengths around the width and the modulo-256 wrap, packed as pos | len << 16 for bfi.
        var fields = c.Select((v, i) => (uint)(i % 5 == 0 ? v : (v & 0xFF) + (i % 3 == 0 ? 256u : 0u))).ToArray();
        var packed = fields.Select((v, i) => (v & 0x1FF) | ((uint)(i * 7 % 40) << 16)).ToArray();
        Check("k_bfind_u32", a, b, (x, _) => IntOps.BfindU32(x, false));
        Check("k_bfind_s32", a, b, (x, _) => IntOps.BfindS32((int)x, false));
        Check("k_bfind_shiftamt_u32", a, b, (x, _) => IntOps.BfindU32(x, true));
        Check("k_bfe_u32", a, b, fields, (x, p, l) => IntOps.BfeU32(x, p, l));
        Check("k_bfe_s32", a, b, fields, (x, p, l) => (uint)IntOps.BfeS32((int)x, p, l));
        Check("k_bfe_u32", a, fields, b, (x, p, l) => IntOps.BfeU32(x, p, l));
        Check("k_bfi_b32", a, b, packed, (x, y, s) => IntOps.Bfi32(x, y, s & 0xFFFF, s >> 16));
        Check("k_prmt_default", a, b, c, (x, y, s) => IntOps.Prmt(x, y, s));
        var selectors = c.Select(s => s & 0x7777).ToArray(); // __byte_perm documents 3-bit selectors
        Check("u_byte_perm", a, b, selectors, (x, y, s) => IntOps.Prmt(x, y, s));
        Check("u_funnel_l", a, b, c, (x, y, s) => IntOps.Shf(x, y, s, left: true, clamp: false));
        Check("u_funnel_r", a, b, c, (x, y, s) => IntOps.Shf(x, y, s, left: false, clamp: false));
        Check("u_funnel_lc", a, b, c, (x, y, s) => IntOps.Shf(x, y, s, left: true, clamp: true));
        Check("u_funnel_rc", a, b, c, (x, y, s) => IntOps.Shf(x, y, s, left: false, clamp: true));
    }

    public static TheoryData<string, PrmtMode> PrmtModes => new()
    {
        { "f4e", PrmtMode.F4e }, { "b4e", PrmtMode.B4e }, { "rc8", PrmtMode.Rc8 },
        { "ecl", PrmtMode.Ecl }, { "ecr", PrmtMode.Ecr }, { "rc16", PrmtMode.Rc16 },
    };

    [SkippableTheory, MemberData(nameof(PrmtModes))]
    public void PermuteModes(string name, PrmtMode mode)
    {
        Skip.If(NvrtcRequirement.SkipReason is not null, NvrtcRequirement.SkipReason);
        uint[] a = [0x33221100, 0x89ABCDEF, 0, uint.MaxValue], b = [0x77665544, 0x01234567, uint.MaxValue, 0];
        var ax = a.SelectMany(x => Enumerable.Range(0, 8).Select(_ => x)).ToArray();
        var bx = b.SelectMany(x => Enumerable.Range(0, 8).Select(_ => x)).ToArray();
        var cx = a.SelectMany(_ => Enumerable.Range(0, 8).Select(s => (uint)s | 0xABCD0000)).ToArray();
        var actual = OptionalModule.Run<uint, uint>("k_prmt_" + name, ax, bx, ConformanceSource.PrmtModesText, cx);
        ConformanceAssert.SameValues("prmt." + name, ax.Select((x, i) => IntOps.Prmt(x, bx[i], cx[i], mode)).ToArray(), actual,
            i => $"0x{ax[i]:X8}, 0x{bx[i]:X8}, 0x{cx[i]:X8}");
    }

    [NvrtcFact]
    public void AtomicValueRules()
    {
        var (a, b) = Pairs(new uint[] { 0, 1, 4, 5, 6, 100, uint.MaxValue - 1, uint.MaxValue }, () => 0u, 0);
        Check("atom_inc", a, b, AtomicOps.Inc);
        Check("atom_dec", a, b, AtomicOps.Dec);
        var (fa, fb) = Pairs(F32Edges, RandomF32(37), 200);
        var global = ConformanceRunner.Run<float, float>("atom_add_f32_global", fa, fb);
        ConformanceAssert.SameFloats("atom.global.add.f32", fa.Select((x, i) => AtomicOps.AddF32(x, fb[i], globalMemory: true)).ToArray(),
            global, i => $"{fa[i]:R}, {fb[i]:R}");
        var shared = ConformanceRunner.Run<float, float>("atom_add_f32_shared", fa, fb);
        ConformanceAssert.SameFloats("atom.shared.add.f32", fa.Select((x, i) => AtomicOps.AddF32(x, fb[i], globalMemory: false)).ToArray(),
            shared, i => $"{fa[i]:R}, {fb[i]:R}");
    }

    private static void Check<TIn, TOut>(string kernel, TIn[] a, TIn[] b, Func<TIn, TIn, TOut> expected)
        where TIn : unmanaged where TOut : unmanaged, IEquatable<TOut> =>
        ConformanceAssert.SameValues(kernel, a.Select((x, i) => expected(x, b[i])).ToArray(),
            ConformanceRunner.Run<TIn, TOut>(kernel, a, b), i => $"{a[i]}, {b[i]}");

    private static void Check<TIn, TOut>(string kernel, TIn[] a, TIn[] b, TIn[] c, Func<TIn, TIn, TIn, TOut> expected)
        where TIn : unmanaged where TOut : unmanaged, IEquatable<TOut> =>
        ConformanceAssert.SameValues(kernel, a.Select((x, i) => expected(x, b[i], c[i])).ToArray(),
            ConformanceRunner.Run<TIn, TOut>(kernel, a, b, c), i => $"{a[i]}, {b[i]}, {c[i]}");

    private static uint[] U(int[] values) => values.Select(v => (uint)v).ToArray();

    private static (int[] A, int[] B) NonzeroDivisors((int[] A, int[] B) pairs)
    {
        var keep = Enumerable.Range(0, pairs.A.Length).Where(i => pairs.B[i] != 0).ToArray();
        return (keep.Select(i => pairs.A[i]).ToArray(), keep.Select(i => pairs.B[i]).ToArray());
    }

    /// <summary>Nonzero divisors, and no LLONG_MIN / -1 (C's 64-bit operator is not pinned by inline asm).</summary>
    private static (long[] A, long[] B) WithoutOverflowingDivision((long[] A, long[] B) pairs)
    {
        var keep = Enumerable.Range(0, pairs.A.Length).Where(i => pairs.B[i] != 0 && !(pairs.A[i] == long.MinValue && pairs.B[i] == -1)).ToArray();
        return (keep.Select(i => pairs.A[i]).ToArray(), keep.Select(i => pairs.B[i]).ToArray());
    }
}
