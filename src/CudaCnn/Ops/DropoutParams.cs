namespace CudaCnn.Ops;

/// <summary>Inverted dropout with a counter-based mask (see DropoutReference for the generator).
/// P is the drop probability in [0, 1). Element e is kept iff philox(e) &gt;= <see cref="Threshold"/>, and kept values
/// are multiplied by <see cref="Scale"/>. Seed selects the stream; Offset selects a fresh mask for each step/layer
/// without reseeding (advance it by any amount, e.g. once per call).</summary>
public sealed record DropoutParams
{
    public DropoutParams(float p, ulong seed, ulong offset = 0)
    {
        if (!(p >= 0f && p < 1f))
            throw new ArgumentOutOfRangeException(nameof(p), p,
                $"Dropout: the drop probability must be in [0, 1), got {p} (p = 1 would drop everything and scale by 1/0)");
        (P, Seed, Offset) = (p, seed, offset);
    }

    public float P { get; }
    public ulong Seed { get; }
    /// <summary>Settable inside the library only: the dropout layer advances the offset of the one instance it owns,
    /// so that a training step allocates nothing.</summary>
    public ulong Offset { get; internal set; }

    /// <summary>floor(P * 2^32), exact: a float P times 2^32 is exact in double. P = 0 gives 0 (keep everything);
    /// the largest float below 1 gives 2^32 - 256. A uniform uint32 r has P(r &gt;= Threshold) = 1 - P exactly.</summary>
    public uint Threshold => (uint)Math.Floor((double)P * 4294967296.0);

    /// <summary>The float 1f / (1f - P), both operations rounded in float32 (what the GPU receives as an argument).</summary>
    public float Scale => 1f / (1f - P);
}
