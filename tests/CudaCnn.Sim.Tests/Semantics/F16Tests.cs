using CudaCnn.Sim.Semantics;
using static CudaCnn.Sim.Tests.Semantics.ExactOracle;
using R = CudaCnn.Sim.Semantics.FloatRounding;

namespace CudaCnn.Sim.Tests.Semantics;

/// <summary>Half-precision arithmetic: random cross-checks against the rational oracle and hand-computed edges.</summary>
public class F16Tests
{
    public static TheoryData<R> Modes => new() { R.Rn, R.Rz, R.Rm, R.Rp };

    [Theory, MemberData(nameof(Modes))]
    public void FmaAddMulMatchExactRounding(R mode)
    {
        var rng = new Random(1600 + (int)mode);
        for (int i = 0; i < 6000; i++)
        {
            ushort a = RandomHalf(rng), b = RandomHalf(rng), c = RandomHalf(rng);
            Rational x = Q(a), y = Q(b), z = Q(c);
            Check(x * y + z, F16.Fma(a, b, c, mode, false, false), $"fma 0x{a:X4} 0x{b:X4} 0x{c:X4}");
            Check(x + y, F16.Add(a, b, mode, false, false), $"add 0x{a:X4} 0x{b:X4}");
            Check(x + -y, F16.Sub(a, b, mode, false, false), $"sub 0x{a:X4} 0x{b:X4}");
            Check(x * y, F16.Mul(a, b, mode, false, false), $"mul 0x{a:X4} 0x{b:X4}");
        }

        void Check(Rational exact, ushort actual, string what)
        {
            if (exact.Sign == 0)
            {
                Assert.True((actual & 0x7FFF) == 0, $"{what}.{mode}: exact zero, got 0x{actual:X4}");
                return;
            }

            ushort expected = BitConverter.HalfToUInt16Bits((Half)Round(exact, mode, Binary16));
            Assert.True(expected == actual, $"{what}.{mode}: expected 0x{expected:X4}, got 0x{actual:X4}");
        }
    }

    [Fact]
    public void EdgeCases()
    {
        const ushort max = 0x7BFF, sixteen = 0x4C00, one = 0x3C00, minSub = 0x0001;
        Assert.Equal(0x7C00, F16.Add(max, sixteen, R.Rn, false, false)); // 65520 is a tie: rounds to inf (even)
        Assert.Equal(max, F16.Add(max, sixteen, R.Rz, false, false));
        Assert.Equal(0x8000, F16.Mul(0x8000, one, R.Rn, false, false)); // -0 * 1 = -0
        Assert.Equal(0x0000, F16.Mul(0x0000, one, R.Rm, false, false)); // +0 product stays +0 in every mode
        Assert.Equal(0x8000, F16.Sub(one, one, R.Rm, false, false)); // exact cancellation rounding down: -0
        Assert.Equal(0x0000, F16.Sub(one, one, R.Rn, false, false));
        Assert.Equal(0x0000, F16.Mul(minSub, 0x3800, R.Rn, false, false)); // half the smallest subnormal: tie to 0
        Assert.Equal(minSub, F16.Mul(minSub, 0x3800, R.Rp, false, false));
        Assert.Equal(0x0000, F16.Add(0x0200, 0x0000, R.Rn, ftz: true, saturate: false)); // subnormal flushed
        Assert.Equal(0x0200, F16.Add(0x0200, 0x0000, R.Rn, ftz: false, saturate: false));
        Assert.Equal(one, F16.Add(0x4000, 0x4000, R.Rn, false, saturate: true)); // 4 clamps to 1
        Assert.Equal(0x0000, F16.Sub(0x0000, one, R.Rn, false, saturate: true)); // -1 clamps to +0
        Assert.Equal(F16.CanonicalNaN, F16.Fma(0x7C00, 0x0000, one, R.Rn, false, false)); // inf * 0
        Assert.Equal(0x0000, F16.Fma(0x7C00, 0x0000, one, R.Rn, false, saturate: true)); // NaN saturates to +0
    }

    [Fact]
    public void MinMaxAndPackedLanes()
    {
        const ushort nan = 0x7E00, one = 0x3C00, two = 0x4000;
        Assert.Equal(one, F16.Min(nan, one, false));
        Assert.Equal(one, F16.Max(one, nan, false));
        Assert.Equal(F16.CanonicalNaN, F16.Max(nan, nan, false));
        Assert.Equal(0x8000, F16.Min(0x0000, 0x8000, false));
        Assert.Equal(0x0000, F16.Max(0x8000, 0x0000, false));
        Assert.Equal(0x8000, F16.Neg(0x0000));
        Assert.Equal(0x3C00, F16.Abs(0xBC00));
        Assert.Equal(0x40003C00u, F16.MaxX2(0x3C003C00, 0x4000BC00, false)); // high lane max(1,2), low max(1,-1)
        Assert.Equal(0x3C00BC00u, F16.MinX2(0x3C003C00, 0x4000BC00, false));
        // (1*2+1, 2*2+0): high lanes are a0 b0 c0 of the high halves.
        Assert.Equal((uint)0x4200 << 16 | 0x4400, F16.FmaX2(one << 16 | two, two << 16 | two, one << 16 | 0, R.Rn, false, false));
    }

    private static Rational Q(ushort h) => Rational.FromDouble((double)BitConverter.UInt16BitsToHalf(h));

    private static ushort RandomHalf(Random rng)
    {
        while (true)
        {
            ushort h = rng.Next(3) == 0 ? (ushort)rng.Next(0, 0x10000) : (ushort)(rng.Next(0x3000, 0x5000) | rng.Next(2) << 15);
            if ((h & 0x7C00) != 0x7C00) return h;
        }
    }
}
