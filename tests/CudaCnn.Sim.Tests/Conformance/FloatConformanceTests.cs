using CudaCnn.Sim.Semantics;
using CudaCnn.Tests.Shared;
using static CudaCnn.Sim.Tests.Conformance.ConformanceInputs;
using R = CudaCnn.Sim.Semantics.FloatRounding;

namespace CudaCnn.Sim.Tests.Conformance;

/// <summary>
/// f32/f64 instruction families through NVRTC and the software GPU, bit for bit against the C# semantics: every
/// rounding intrinsic in both the precise and the fast-math (<c>.ftz</c>) compilation, min/max, integral rounding,
/// the approximations and every setp comparison.
/// </summary>
public class FloatConformanceTests
{
    private const int RandomCount = 1500;

    public static TheoryData<string, bool> RoundedF32Ops()
    {
        var data = new TheoryData<string, bool>();
        foreach (var op in new[] { "add", "sub", "mul", "div", "fma", "rcp", "sqrt" })
        foreach (bool fast in new[] { false, true })
            data.Add(op, fast);
        return data;
    }

    [NvrtcTheory, MemberData(nameof(RoundedF32Ops))]
    public void RoundedF32Intrinsics(string op, bool fastMath)
    {
        var (a, b) = Pairs(F32Edges, RandomF32(op.Length), RandomCount);
        var c = Singles([], RandomF32(op.Length + 100), a.Length);
        foreach (var (suffix, mode) in Modes)
        {
            string kernel = $"f_{op}_{suffix}";
            var actual = ConformanceRunner.Run<float, float>(kernel, a, b, c, fastMath);
            var expected = a.Select((x, i) => op switch
            {
                "add" => F32.Add(x, b[i], mode, fastMath),
                "sub" => F32.Sub(x, b[i], mode, fastMath),
                "mul" => F32.Mul(x, b[i], mode, fastMath),
                "div" => F32.Div(x, b[i], mode, fastMath),
                "fma" => F32.Fma(x, b[i], c[i], mode, fastMath),
                "rcp" => F32.Rcp(x, mode, fastMath),
                _ => F32.Sqrt(x, mode, fastMath),
            }).ToArray();
            ConformanceAssert.SameFloats(kernel + (fastMath ? " (fast math)" : ""), expected, actual, i => $"{a[i]:R}, {b[i]:R}, {c[i]:R}");
        }
    }

    public static TheoryData<bool> FastMathOrNot => new() { false, true };

    [NvrtcTheory, MemberData(nameof(FastMathOrNot))]
    public void MinMaxAbsNegSaturateAndIntegralRounding(bool fastMath)
    {
        var (a, b) = Pairs(F32Edges, RandomF32(5), RandomCount);
        Check("f_min", (x, y) => F32.Min(x, y, fastMath));
        Check("f_max", (x, y) => F32.Max(x, y, fastMath));
        Check("f_abs", (x, _) => F32.Abs(x, fastMath));
        Check("f_neg", (x, _) => F32.Neg(x, fastMath));
        Check("f_saturate", (x, _) => Cvt.SaturateF32(x, fastMath));
        Check("f_rint", (x, _) => Cvt.F32ToIntegralF32(x, IntRounding.Rni, fastMath, false));
        Check("f_floor", (x, _) => Cvt.F32ToIntegralF32(x, IntRounding.Rmi, fastMath, false));
        Check("f_ceil", (x, _) => Cvt.F32ToIntegralF32(x, IntRounding.Rpi, fastMath, false));
        Check("f_trunc", (x, _) => Cvt.F32ToIntegralF32(x, IntRounding.Rzi, fastMath, false));
        Check("f_fdividef", (x, y) => F32.DivApprox(x, y, fastMath));
        Check("f_rsqrt", (x, _) => F32.RsqrtApprox(x, fastMath));
        if (!fastMath) Check("f_plain_div", (x, y) => F32.Div(x, y, R.Rn, false));

        void Check(string kernel, Func<float, float, float> expected)
        {
            var actual = ConformanceRunner.Run<float, float>(kernel, a, b, fastMath: fastMath);
            ConformanceAssert.SameFloats(kernel, a.Select((x, i) => expected(x, b[i])).ToArray(), actual, i => $"{a[i]:R}, {b[i]:R}");
        }
    }

    [NvrtcFact]
    public void ApproximateInstructions()
    {
        var (a, b) = Pairs(F32Edges, RandomF32(9), RandomCount);
        var angles = a.Select((x, i) => i < F32Edges.Length * F32Edges.Length ? x : (float)((b[i] % 7) * Math.PI)).ToArray();
        Check("k_ex2", a, x => F32.Ex2Approx(x, false));
        Check("k_ex2_ftz", a, x => F32.Ex2Approx(x, true));
        Check("k_lg2", a, x => F32.Lg2Approx(x, false));
        Check("k_lg2_ftz", a, x => F32.Lg2Approx(x, true));
        Check("k_rcp_approx_ftz", a, x => F32.RcpApprox(x, true));
        Check("k_sqrt_approx_ftz", a, x => F32.SqrtApprox(x, true));
        Check("k_rsqrt_approx_ftz", a, x => F32.RsqrtApprox(x, true));
        Check("k_sin_approx", angles, x => F32.SinApprox(x, false));
        Check("k_cos_approx", angles, x => F32.CosApprox(x, false));
        Check("k_sat_ftz", a, x => Cvt.SaturateF32(x, true));

        static void Check(string kernel, float[] input, Func<float, float> expected) =>
            ConformanceAssert.SameFloats(kernel, input.Select(expected).ToArray(), ConformanceRunner.Run<float, float>(kernel, input),
                i => $"{input[i]:R}");
    }

    [NvrtcFact]
    public void FmaRmFtzForm()
    {
        var (a, b) = Pairs(F32Edges, RandomF32(11), RandomCount);
        var c = Singles([], RandomF32(12), a.Length);
        var actual = ConformanceRunner.Run<float, float>("k_fma_rm_ftz", a, b, c);
        ConformanceAssert.SameFloats("fma.rm.ftz.f32", a.Select((x, i) => F32.Fma(x, b[i], c[i], R.Rm, true)).ToArray(), actual,
            i => $"{a[i]:R}, {b[i]:R}, {c[i]:R}");
    }

    /// <summary>
    /// expf/logf without fast math are NVRTC expansions around ex2/lg2.approx (cvt.sat, fma.rm, shl into the exponent,
    /// final fma). The C# approximations are correctly rounded, so the results stay within CUDA's documented 2 ulp
    /// of the exact function, as the hardware's do.
    /// </summary>
    private const double LibmMaxUlps = 2;

    /// <summary>
    /// expf's range reduction: <c>fma.rm.f32 t, s, 252, 0f4B400001</c> floors s * 252 into the low mantissa bits of
    /// 1.5 * 2^23 + 1. Every s next to a step k/252, through the kernel, against the exact floor.
    /// </summary>
    [NvrtcFact]
    public void ExpfRangeReductionFloorsWithFmaRm()
    {
        var s = Enumerable.Range(0, 253).Select(k => (float)(k / 252.0))
            .SelectMany(v => new[] { MathF.BitDecrement(v), v, MathF.BitIncrement(v) }).Where(v => v is >= 0 and <= 1).ToArray();
        float magic = BitConverter.UInt32BitsToSingle(0x4B400001);
        var t = ConformanceRunner.Run<float, float>("f_fma_rd", s, s.Select(_ => 252f).ToArray(), s.Select(_ => magic).ToArray());
        for (int i = 0; i < s.Length; i++)
            Assert.True(0x4B400001u + (uint)Math.Floor((double)s[i] * 252) == BitConverter.SingleToUInt32Bits(t[i]),
                $"fma.rm({s[i]:R}, 252, 0x4B400001) = 0x{BitConverter.SingleToUInt32Bits(t[i]):X8}");
    }

    [NvrtcFact]
    public void ExpfAndLogfExpansions()
    {
        var rng = new Random(15);
        var x = Enumerable.Range(0, 4000).Select(_ => (float)(rng.NextDouble() * 175 - 87)) // exp stays normal
            .Concat(Enumerable.Range(-87, 176).Select(k => (float)k)).Concat([0f, -0f, 1e-8f, -1e-8f]).ToArray();
        var exp = ConformanceRunner.Run<float, float>("f_expf", x);
        for (int i = 0; i < x.Length; i++) AssertUlps(Math.Exp(x[i]), exp[i], $"expf({x[i]:R})");

        var p = Enumerable.Range(0, 4000).Select(_ => MathF.ScaleB(1f + (float)rng.NextDouble(), rng.Next(-125, 127)))
            .Concat([1f, 2f, 0.5f, float.MaxValue]).ToArray();
        var log = ConformanceRunner.Run<float, float>("f_logf", p);
        for (int i = 0; i < p.Length; i++) AssertUlps(Math.Log(p[i]), log[i], $"logf({p[i]:R})");

        float[] specials = [float.NegativeInfinity, float.PositiveInfinity, float.NaN, 89f, -104f, 0f];
        var se = ConformanceRunner.Run<float, float>("f_expf", specials);
        Assert.Equal([0f, float.PositiveInfinity, float.NaN, float.PositiveInfinity, 0f, 1f], se);
        float[] logSpecials = [0f, -0f, -1f, float.PositiveInfinity, float.NaN, 1f];
        var sl = ConformanceRunner.Run<float, float>("f_logf", logSpecials);
        Assert.Equal([float.NegativeInfinity, float.NegativeInfinity, float.NaN, float.PositiveInfinity, float.NaN, 0f], sl);

        static void AssertUlps(double exact, float actual, string what)
        {
            double ulp = MathF.BitIncrement(MathF.Abs((float)exact)) - MathF.Abs((float)exact);
            Assert.True(Math.Abs(actual - exact) <= LibmMaxUlps * ulp, $"{what}: exact {exact:R}, got {actual:R}");
        }
    }

    public static TheoryData<string, FloatCompare> Comparisons()
    {
        var data = new TheoryData<string, FloatCompare>();
        foreach (FloatCompare op in Enum.GetValues<FloatCompare>()) data.Add(op.ToString().ToLowerInvariant(), op);
        return data;
    }

    [NvrtcTheory, MemberData(nameof(Comparisons))]
    public void SetpComparisons(string name, FloatCompare op)
    {
        var (a, b) = Pairs(F32Edges, RandomF32(13), 200);
        var actual = ConformanceRunner.Run<float, uint>("k_setp_" + name, a, b);
        ConformanceAssert.SameValues("setp." + name, a.Select((x, i) => F32.Compare(op, x, b[i], false) ? 1u : 0u).ToArray(), actual,
            i => $"{a[i]:R}, {b[i]:R}");
        if (op == FloatCompare.Eq)
        {
            var ftz = ConformanceRunner.Run<float, uint>("k_setp_eq_ftz", a, b);
            ConformanceAssert.SameValues("setp.eq.ftz", a.Select((x, i) => F32.Compare(op, x, b[i], true) ? 1u : 0u).ToArray(), ftz,
                i => $"{a[i]:R}, {b[i]:R}");
        }
    }

    public static TheoryData<string> RoundedF64Ops => new() { "add", "mul", "div", "fma", "sqrt", "rcp" };

    [NvrtcTheory, MemberData(nameof(RoundedF64Ops))]
    public void RoundedF64Intrinsics(string op)
    {
        var (a, b) = Pairs(F64Edges, RandomF64(op.Length), RandomCount);
        var c = Singles([], RandomF64(op.Length + 100), a.Length);
        foreach (var (suffix, mode) in Modes)
        {
            string kernel = $"d_{op}_{suffix}";
            var actual = ConformanceRunner.Run<double, double>(kernel, a, b, c);
            var expected = a.Select((x, i) => op switch
            {
                "add" => F64.Add(x, b[i], mode),
                "mul" => F64.Mul(x, b[i], mode),
                "div" => F64.Div(x, b[i], mode),
                "fma" => F64.Fma(x, b[i], c[i], mode),
                "rcp" => F64.Rcp(x, mode),
                _ => F64.Sqrt(x, mode),
            }).ToArray();
            ConformanceAssert.SameDoubles(kernel, expected, actual, i => $"{a[i]:R}, {b[i]:R}, {c[i]:R}");
        }

        var min = ConformanceRunner.Run<double, double>("d_min", a, b);
        ConformanceAssert.SameDoubles("d_min", a.Select((x, i) => F64.Min(x, b[i])).ToArray(), min, i => $"{a[i]:R}, {b[i]:R}");
    }

    /// <summary>The CUDA rounding suffixes and the PTX rounding each compiles to.</summary>
    internal static readonly (string Suffix, R Mode)[] Modes = [("rn", R.Rn), ("rz", R.Rz), ("rd", R.Rm), ("ru", R.Rp)];
}
