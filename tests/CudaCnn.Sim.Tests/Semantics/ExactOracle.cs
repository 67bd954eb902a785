using System.Numerics;
using CudaCnn.Sim.Semantics;

namespace CudaCnn.Sim.Tests.Semantics;

/// <summary>
/// Slow, independent reference for IEEE arithmetic: exact rational values in <see cref="BigInteger"/>s, rounded to a
/// binary format by integer division and remainder comparison. Shares no code with the implementation under test.
/// </summary>
internal readonly record struct Rational(BigInteger Num, BigInteger Den)
{
    public static Rational FromDouble(double x)
    {
        if (!double.IsFinite(x)) throw new ArgumentException($"not finite: {x}", nameof(x));
        long bits = BitConverter.DoubleToInt64Bits(x);
        int biased = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        BigInteger m = biased == 0 ? mantissa : mantissa | (1L << 52);
        int e = (biased == 0 ? 1 : biased) - 1075;
        if (bits < 0) m = -m;
        return e >= 0 ? new Rational(m << e, 1) : new Rational(m, BigInteger.One << -e);
    }

    public static Rational operator +(Rational a, Rational b) => new(a.Num * b.Den + b.Num * a.Den, a.Den * b.Den);
    public static Rational operator -(Rational a) => new(-a.Num, a.Den);
    public static Rational operator *(Rational a, Rational b) => new(a.Num * b.Num, a.Den * b.Den);

    public static Rational operator /(Rational a, Rational b) =>
        b.Num.Sign < 0 ? new(-a.Num * b.Den, a.Den * -b.Num) : new(a.Num * b.Den, a.Den * b.Num);

    public int Sign => Num.Sign;
}

internal static class ExactOracle
{
    public readonly record struct Format(int Precision, int MinExponent, int MaxExponent);

    public static readonly Format Binary16 = new(11, -14, 15);
    public static readonly Format Binary32 = new(24, -126, 127);
    public static readonly Format Binary64 = new(53, -1022, 1023);

    /// <summary>Rounds a nonzero exact rational to the format; the result is exactly representable (or ±inf).</summary>
    public static double Round(Rational x, FloatRounding mode, Format f)
    {
        if (x.Sign == 0) throw new ArgumentException("zero has no sign to round; handle it in the test", nameof(x));
        bool negative = x.Sign < 0;
        BigInteger num = BigInteger.Abs(x.Num), den = x.Den;
        int e = (int)(num.GetBitLength() - den.GetBitLength());
        if (Compare(num, den, e) < 0) e--; // now 2^e <= |x| < 2^(e+1)
        int q = Math.Max(e, f.MinExponent) - (f.Precision - 1);
        BigInteger a = q < 0 ? num << -q : num, b = q > 0 ? den << q : den;
        BigInteger n = BigInteger.DivRem(a, b, out BigInteger r);
        int half = (r * 2).CompareTo(b);
        bool up = mode switch
        {
            FloatRounding.Rn => half > 0 || (half == 0 && !n.IsEven),
            FloatRounding.Rz => false,
            FloatRounding.Rp => !r.IsZero && !negative,
            _ => !r.IsZero && negative,
        };
        return Finish(negative, up ? n + 1 : n, q, mode, f);
    }

    /// <summary>Correctly rounded square root of a positive finite double value.</summary>
    public static double Sqrt(double value, FloatRounding mode, Format f)
    {
        Rational x = Rational.FromDouble(value);
        int e = (int)(x.Num.GetBitLength() - x.Den.GetBitLength());
        if (Compare(x.Num, x.Den, e) < 0) e--;
        int rootExponent = (int)Math.Floor(e / 2.0);
        int q = Math.Max(rootExponent, f.MinExponent) - (f.Precision - 1);
        // n = floor(sqrt(x) / 2^q) = isqrt(floor(x / 2^(2q))).
        BigInteger a = 2 * q < 0 ? x.Num << -2 * q : x.Num, b = 2 * q > 0 ? x.Den << 2 * q : x.Den;
        BigInteger scaled = BigInteger.DivRem(a, b, out BigInteger rem);
        BigInteger n = IntegerSqrt(scaled);
        bool exact = rem.IsZero && n * n == scaled;
        // Compare sqrt(x) with (n + 1/2) 2^q, i.e. 4a with (2n+1)^2 b.
        int half = (4 * a).CompareTo((2 * n + 1) * (2 * n + 1) * b);
        bool up = mode switch
        {
            FloatRounding.Rn => half > 0 || (half == 0 && !n.IsEven),
            FloatRounding.Rp => !exact,
            _ => false,
        };
        return Finish(false, up ? n + 1 : n, q, mode, f);
    }

    private static double Finish(bool negative, BigInteger n, int q, FloatRounding mode, Format f)
    {
        double magnitude;
        BigInteger maxSignificand = (BigInteger.One << f.Precision) - 1;
        int topQuantum = f.MaxExponent - (f.Precision - 1);
        if (q > topQuantum || (q == topQuantum && n > maxSignificand))
        {
            bool away = mode == FloatRounding.Rn || mode == (negative ? FloatRounding.Rm : FloatRounding.Rp);
            magnitude = away ? double.PositiveInfinity : Math.ScaleB((double)maxSignificand, topQuantum);
        }
        else
        {
            magnitude = Math.ScaleB((double)n, q);
        }

        return negative ? -magnitude : magnitude;
    }

    /// <summary>Sign of num/den - 2^e.</summary>
    private static int Compare(BigInteger num, BigInteger den, int e) =>
        e >= 0 ? num.CompareTo(den << e) : (num << -e).CompareTo(den);

    private static BigInteger IntegerSqrt(BigInteger n)
    {
        if (n.IsZero) return 0;
        BigInteger x = BigInteger.One << (int)((n.GetBitLength() + 1) / 2);
        while (true)
        {
            BigInteger y = (x + n / x) >> 1;
            if (y >= x) return x;
            x = y;
        }
    }
}
