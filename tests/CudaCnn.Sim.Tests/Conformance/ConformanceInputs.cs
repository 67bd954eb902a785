using CudaCnn.Sim.Tests.Semantics;

namespace CudaCnn.Sim.Tests.Conformance;

/// <summary>Operand sets: hand-picked edge values, all their pairs, plus seeded random values.</summary>
internal static class ConformanceInputs
{
    public static readonly float[] F32Edges =
    [
        0f, -0f, 1f, -1f, 0.5f, -0.5f, 1.5f, 2.5f, -2.5f, 3.5f, 3f, 1f / 3, -7.25f, 100.75f,
        BitConverter.UInt32BitsToSingle(0x00000001), BitConverter.UInt32BitsToSingle(0x80000001),
        BitConverter.UInt32BitsToSingle(0x00400000), BitConverter.UInt32BitsToSingle(0x00800000),
        BitConverter.UInt32BitsToSingle(0x3F800001), BitConverter.UInt32BitsToSingle(0x3F7FFFFF),
        BitConverter.UInt32BitsToSingle(0x33800000), 16777217f, 8388607.5f, 2147483648f, -2147483648f, 4294967296f,
        9.3e18f, -9.3e18f, 1.9e19f, 1e30f, 1e-30f, 65520f, 65504f, float.MaxValue, -float.MaxValue,
        float.PositiveInfinity, float.NegativeInfinity, float.NaN,
    ];

    public static readonly double[] F64Edges =
    [
        0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -2.5, 3.0, 1.0 / 3, 1.0 + Math.ScaleB(1, -52), Math.ScaleB(1, -53),
        double.Epsilon, -double.Epsilon, Math.ScaleB(1, -1022), 2147483647.5, -2147483648.5, 4294967295.5,
        9.3e18, 1.9e19, 1e300, 1e-300, 3.4028235677973366e38, 1.0000000596046448,
        double.MaxValue, -double.MaxValue, double.PositiveInfinity, double.NegativeInfinity, double.NaN,
    ];

    public static readonly int[] S32Edges = [0, 1, -1, 2, -2, 3, 7, -7, 31, 32, 33, 100, 255, 0x7FFF, -0x8000, 0x12345678, unchecked((int)0x89ABCDEF), int.MaxValue, int.MinValue];

    public static readonly long[] S64Edges = [0, 1, -1, 2, -2, 7, -7, 63, 64, 65, 1L << 32, (1L << 53) + 1, -(1L << 53) - 1, 0x123456789ABCDEF, long.MaxValue, long.MinValue, 16777217, -16777219];

    /// <summary>All ordered pairs of the edge values, then <paramref name="randomCount"/> random pairs.</summary>
    public static (T[] A, T[] B) Pairs<T>(T[] edges, Func<T> random, int randomCount)
    {
        var a = new List<T>();
        var b = new List<T>();
        foreach (var x in edges)
        foreach (var y in edges)
        {
            a.Add(x);
            b.Add(y);
        }

        for (int i = 0; i < randomCount; i++)
        {
            a.Add(random());
            b.Add(random());
        }

        return (a.ToArray(), b.ToArray());
    }

    /// <summary>Edge values and <paramref name="randomCount"/> random values.</summary>
    public static T[] Singles<T>(T[] edges, Func<T> random, int randomCount) =>
        edges.Concat(Enumerable.Range(0, randomCount).Select(_ => random())).ToArray();

    public static Func<float> RandomF32(int seed)
    {
        var gen = new RandomOperands(seed);
        return gen.F32;
    }

    public static Func<double> RandomF64(int seed)
    {
        var gen = new RandomOperands(seed);
        return gen.F64;
    }

    public static Func<int> RandomS32(int seed)
    {
        var rng = new Random(seed);
        return () => (int)rng.NextInt64(int.MinValue, (long)int.MaxValue + 1) >> rng.Next(0, 31);
    }

    public static Func<long> RandomS64(int seed)
    {
        var rng = new Random(seed);
        return () => rng.NextInt64(long.MinValue, long.MaxValue) >> rng.Next(0, 63);
    }
}
