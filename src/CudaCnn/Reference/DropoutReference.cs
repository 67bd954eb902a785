using CudaCnn.Ops;

namespace CudaCnn.Reference;

/// <summary>Inverted dropout with a counter-based mask. Element e (flat index) is kept iff
/// Philox4x32.Element(Seed, Offset, e) &gt;= Threshold, i.e. r = Philox4x32-10(counter = (lo32(e/4), hi32(e/4),
/// lo32(Offset), hi32(Offset)), key = (lo32(Seed), hi32(Seed)))[e % 4], Threshold = floor(P * 2^32).
/// Training: y = kept ? x * Scale : 0 with the float Scale = 1f / (1f - P) (one float multiply, so bit-exact on a GPU);
/// evaluation: y = x. Backward (dx written) applies the same mask and scale to dy.</summary>
public static class DropoutReference
{
    private const string Op = "DropoutReference";

    public static bool Keep(DropoutParams p, long element) =>
        Philox4x32.Element(p.Seed, p.Offset, (ulong)element) >= p.Threshold;

    public static void Forward(float[] x, float[] y, DropoutParams p, bool training) => Apply(x, nameof(x), y, nameof(y), p, training);

    public static void Backward(float[] dy, float[] dx, DropoutParams p, bool training) => Apply(dy, nameof(dy), dx, nameof(dx), p, training);

    private static void Apply(float[] input, string inputName, float[] output, string outputName, DropoutParams p, bool training)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(input, inputName);
        ReferenceChecks.Length(output, input.LongLength, outputName, Op);
        float scale = p.Scale;
        for (long e = 0; e < input.LongLength; e++)
            output[e] = !training ? input[e] : Keep(p, e) ? input[e] * scale : 0f;
    }
}
