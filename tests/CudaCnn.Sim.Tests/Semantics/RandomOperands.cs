namespace CudaCnn.Sim.Tests.Semantics;

/// <summary>
/// Seeded operand generators that favour the hard cases of rounding: random bit patterns (subnormals included),
/// operands of similar magnitude, near-cancellation, and values near the overflow and underflow thresholds.
/// </summary>
internal sealed class RandomOperands(int seed)
{
    private readonly Random _rng = new(seed);

    public float F32()
    {
        switch (_rng.Next(6))
        {
            case 0: // any finite pattern
                while (true)
                {
                    float x = BitConverter.UInt32BitsToSingle((uint)_rng.NextInt64(0, 1L << 32));
                    if (float.IsFinite(x)) return x;
                }
            case 1: // subnormal
                return BitConverter.UInt32BitsToSingle((uint)_rng.Next(1, 1 << 23) | (uint)_rng.Next(2) << 31);
            case 2: // short significand: many exact results and ties
                return Sign() * _rng.Next(1, 1 << _rng.Next(1, 12)) * MathF.ScaleB(1f, _rng.Next(-20, 20));
            default: // full significand, moderate exponent
                return Sign() * MathF.ScaleB(1f + (float)_rng.NextDouble(), _rng.Next(-30, 30));
        }
    }

    public double F64()
    {
        switch (_rng.Next(7))
        {
            case 0:
                while (true)
                {
                    double x = BitConverter.Int64BitsToDouble(_rng.NextInt64(long.MinValue, long.MaxValue));
                    if (double.IsFinite(x)) return x;
                }
            case 1:
                return BitConverter.Int64BitsToDouble(_rng.NextInt64(1, 1L << 52) | (long)_rng.Next(2) << 63);
            case 2:
                return Sign() * _rng.NextInt64(1, 1L << _rng.Next(1, 30)) * Math.ScaleB(1.0, _rng.Next(-40, 40));
            case 3: // near the extremes of the exponent range
                return Sign() * Math.ScaleB(1.0 + _rng.NextDouble(), _rng.Next(2) == 0 ? _rng.Next(-1074, -950) : _rng.Next(950, 1024));
            default:
                return Sign() * Math.ScaleB(1.0 + _rng.NextDouble(), _rng.Next(-60, 60));
        }
    }

    /// <summary>A value a few units in the last place away from <paramref name="x"/>, or x itself.</summary>
    public float Near(float x)
    {
        int steps = _rng.Next(-3, 4);
        for (int i = 0; i < Math.Abs(steps); i++) x = steps > 0 ? MathF.BitIncrement(x) : MathF.BitDecrement(x);
        return x;
    }

    public double Near(double x)
    {
        int steps = _rng.Next(-3, 4);
        for (int i = 0; i < Math.Abs(steps); i++) x = steps > 0 ? Math.BitIncrement(x) : Math.BitDecrement(x);
        return x;
    }

    public bool Chance(int percent) => _rng.Next(100) < percent;

    private int Sign() => _rng.Next(2) == 0 ? 1 : -1;
}
