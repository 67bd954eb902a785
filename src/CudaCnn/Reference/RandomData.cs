namespace CudaCnn.Reference;

/// <summary>Deterministic test data from the Philox stream (seed, offset 0): the same values on every platform and
/// runtime, and reproducible in any language. Uniform values use the top 24 bits: (r &gt;&gt; 8) * 2^-24 in [0, 1).</summary>
public static class RandomData
{
    /// <summary>count values uniform in [low, high).</summary>
    public static float[] Uniform(long count, ulong seed, float low = -1f, float high = 1f)
    {
        if (!(high > low)) throw new ArgumentException($"RandomData.Uniform: high ({high}) must exceed low ({low})");
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = (float)(low + (high - low) * Unit(seed, (ulong)i));
        return values;
    }

    /// <summary>count integers uniform in [0, bound) (for labels); slight modulo bias is irrelevant for tests.</summary>
    public static int[] Integers(int count, int bound, ulong seed)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), bound, "RandomData.Integers: bound must be positive");
        var values = new int[count];
        for (int i = 0; i < count; i++) values[i] = (int)(Philox4x32.Element(seed, 0, (ulong)i) % (uint)bound);
        return values;
    }

    /// <summary>count distinct values: a seeded permutation of low, low + spacing, ... (no ties, for max pooling).</summary>
    public static float[] Distinct(int count, ulong seed, float low = -1f, float spacing = 0.05f)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        for (int i = count - 1; i > 0; i--)
        {
            int j = (int)(Philox4x32.Element(seed, 1, (ulong)i) % (uint)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = low + spacing * order[i];
        return values;
    }

    private static double Unit(ulong seed, ulong index) => (Philox4x32.Element(seed, 0, index) >> 8) * (1.0 / (1 << 24));
}
