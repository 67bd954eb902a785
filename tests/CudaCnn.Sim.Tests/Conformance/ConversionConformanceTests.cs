using CudaCnn.Sim.Semantics;
using CudaCnn.Tests.Shared;
using static CudaCnn.Sim.Tests.Conformance.ConformanceInputs;
using R = CudaCnn.Sim.Semantics.FloatRounding;

namespace CudaCnn.Sim.Tests.Conformance;

/// <summary>
/// <c>cvt</c> through NVRTC and the software GPU: every float-to-integer, integer-to-float and float-to-float
/// rounding intrinsic (saturation, NaN rules, ftz under fast math), f16 and tf32 conversions.
/// </summary>
public class ConversionConformanceTests
{
    private const int RandomCount = 1500;

    private static readonly (string Suffix, IntRounding Mode)[] IntModes =
        [("rn", IntRounding.Rni), ("rz", IntRounding.Rzi), ("rd", IntRounding.Rmi), ("ru", IntRounding.Rpi)];

    public static TheoryData<bool> FastMathOrNot => new() { false, true };

    [NvrtcTheory, MemberData(nameof(FastMathOrNot))]
    public void FloatToInteger(bool fastMath)
    {
        var a = Singles(F32Edges, RandomF32(21), RandomCount).Concat(F32Edges.Select(x => x * 0.999f)).ToArray();
        CheckFloatToInteger("f2", a, fastMath, (x, mode, type) => Cvt.F32ToInt(x, mode, type, fastMath));
    }

    [NvrtcFact]
    public void DoubleToIntegerAndFloat()
    {
        var a = Singles(F64Edges, RandomF64(22), RandomCount);
        CheckFloatToInteger("d2", a, fastMath: false, Cvt.F64ToInt);

        foreach (var (suffix, mode) in FloatConformanceTests.Modes)
        {
            var actual = ConformanceRunner.Run<double, float>("d2f_" + suffix, a);
            ConformanceAssert.SameFloats("d2f_" + suffix, a.Select(x => Cvt.F64ToF32(x, mode, false)).ToArray(), actual, i => $"{a[i]:R}");
        }
    }

    [NvrtcTheory, MemberData(nameof(FastMathOrNot))]
    public void FloatNarrowingAndWideningWithFtz(bool fastMath)
    {
        var d = Singles(F64Edges, RandomF64(23), RandomCount).Concat([1e-40, -1e-40, 1e-45]).ToArray();
        var narrowed = ConformanceRunner.Run<double, float>("d2f_rn", d, fastMath: fastMath);
        ConformanceAssert.SameFloats("cvt.rn.f32.f64", d.Select(x => Cvt.F64ToF32(x, R.Rn, fastMath)).ToArray(), narrowed, i => $"{d[i]:R}");
        var f = Singles(F32Edges, RandomF32(24), RandomCount);
        var widened = ConformanceRunner.Run<float, double>("f2d", f, fastMath: fastMath);
        ConformanceAssert.SameDoubles("cvt.f64.f32", f.Select(x => Cvt.F32ToF64(x, fastMath)).ToArray(), widened, i => $"{f[i]:R}");
    }

    [NvrtcFact]
    public void IntegerToFloat()
    {
        var s32 = Singles(S32Edges, RandomS32(25), RandomCount).Concat([16777217, 16777219, -16777217, 33554435]).ToArray();
        var s64 = Singles(S64Edges, RandomS64(26), RandomCount);
        foreach (var (suffix, mode) in FloatConformanceTests.Modes)
        {
            ConformanceAssert.SameFloats("i2f_" + suffix, s32.Select(v => Cvt.SignedToF32(v, mode)).ToArray(),
                ConformanceRunner.Run<int, float>("i2f_" + suffix, s32), i => $"{s32[i]}");
            var u32 = s32.Select(v => (uint)v).ToArray();
            ConformanceAssert.SameFloats("u2f_" + suffix, u32.Select(v => Cvt.UnsignedToF32(v, mode)).ToArray(),
                ConformanceRunner.Run<uint, float>("u2f_" + suffix, u32), i => $"{u32[i]}");
            ConformanceAssert.SameFloats("ll2f_" + suffix, s64.Select(v => Cvt.SignedToF32(v, mode)).ToArray(),
                ConformanceRunner.Run<long, float>("ll2f_" + suffix, s64), i => $"{s64[i]}");
            var u64 = s64.Select(v => (ulong)v).ToArray();
            ConformanceAssert.SameFloats("ull2f_" + suffix, u64.Select(v => Cvt.UnsignedToF32(v, mode)).ToArray(),
                ConformanceRunner.Run<ulong, float>("ull2f_" + suffix, u64), i => $"{u64[i]}");
            ConformanceAssert.SameDoubles("ll2d_" + suffix, s64.Select(v => Cvt.SignedToF64(v, mode)).ToArray(),
                ConformanceRunner.Run<long, double>("ll2d_" + suffix, s64), i => $"{s64[i]}");
            ConformanceAssert.SameDoubles("ull2d_" + suffix, u64.Select(v => Cvt.UnsignedToF64(v, mode)).ToArray(),
                ConformanceRunner.Run<ulong, double>("ull2d_" + suffix, u64), i => $"{u64[i]}");
        }
    }

    [NvrtcFact]
    public void HalfAndTf32()
    {
        var f = Singles(F32Edges, RandomF32(27), RandomCount)
            .Concat([65519f, 65520f, -65520f, 1.00048828125f, 1.00146484375f, 2.98023223876953125e-8f, 8.940696716308594e-8f])
            .Concat(Enumerable.Range(0, 64).Select(k => BitConverter.UInt32BitsToSingle(0x3F801000u + (uint)k * 0x800)))
            .ToArray();
        CheckBits("cvt_f16_rn", x => Cvt.F32ToF16(x, R.Rn, false));
        CheckBits("cvt_f16_rz", x => Cvt.F32ToF16(x, R.Rz, false));
        CheckBits("cvt_tf32", Cvt.F32ToTf32);

        var halves = Enumerable.Range(0, 1 << 16).Select(h => (uint)h).ToArray(); // every binary16 pattern
        var widened = ConformanceRunner.Run<uint, float>("cvt_f16_back", halves);
        ConformanceAssert.SameFloats("cvt.f32.f16", halves.Select(h => Cvt.F16ToF32((ushort)h, false)).ToArray(), widened, i => $"0x{halves[i]:X4}");

        void CheckBits(string kernel, Func<float, uint> expected)
        {
            var actual = ConformanceRunner.Run<float, uint>(kernel, f);
            for (int i = 0; i < f.Length; i++)
            {
                uint e = expected(f[i]);
                bool ok = IsNaN(e) ? IsNaN(actual[i]) : e == actual[i]; // NaN payloads are unspecified
                Assert.True(ok, $"{kernel}[{i}] ({f[i]:R}): expected 0x{e:X}, got 0x{actual[i]:X}");
            }

            bool IsNaN(uint bits) => kernel == "cvt_tf32" ? float.IsNaN(BitConverter.UInt32BitsToSingle(bits)) : (bits & 0x7FFF) > 0x7C00;
        }
    }

    /// <summary>Kernels <c>{prefix}{i,u,ll,ull}_{rn,rz,rd,ru}</c> against <paramref name="convert"/>.</summary>
    private static void CheckFloatToInteger<TIn>(string prefix, TIn[] a, bool fastMath, Func<TIn, IntRounding, IntType, ulong> convert)
        where TIn : unmanaged
    {
        foreach (var (suffix, mode) in IntModes)
        {
            Check<int>("i", IntType.S32, v => (int)v);
            Check<uint>("u", IntType.U32, v => (uint)v);
            Check<long>("ll", IntType.S64, v => (long)v);
            Check<ulong>("ull", IntType.U64, v => v);

            void Check<T>(string destination, IntType type, Func<ulong, T> narrow) where T : unmanaged, IEquatable<T>
            {
                string kernel = $"{prefix}{destination}_{suffix}";
                var actual = ConformanceRunner.Run<TIn, T>(kernel, a, fastMath: fastMath);
                ConformanceAssert.SameValues(kernel, a.Select(x => narrow(convert(x, mode, type))).ToArray(), actual, i => $"{a[i]}");
            }
        }
    }

    [SkippableFact]
    public void PackedHalfPairPutsTheFirstOperandHigh()
    {
        Skip.If(NvrtcRequirement.SkipReason is not null, NvrtcRequirement.SkipReason);
        var (a, b) = Pairs(F32Edges, RandomF32(28), 200);
        var actual = OptionalModule.Run<float, uint>("cvt_f16x2", a, b, ConformanceSource.F16x2Text);
        var expected = a.Select((x, i) => Cvt.F32PairToF16x2(x, b[i], R.Rn, false)).ToArray();
        for (int i = 0; i < a.Length; i++)
            if (!float.IsNaN(a[i]) && !float.IsNaN(b[i]))
                Assert.True(expected[i] == actual[i], $"cvt.rn.f16x2.f32 ({a[i]:R}, {b[i]:R}): expected 0x{expected[i]:X8}, got 0x{actual[i]:X8}");
    }
}
