namespace CudaCnn.Reference;

/// <summary>Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11; Random123 and curand
/// use the same constants): a counter-based generator, output = bijection(counter[4], key[2]) after 10 rounds.
/// Round: (hi0, lo0) = M0 * c0, (hi1, lo1) = M1 * c2 (64-bit products);
/// c = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0); between rounds the key is bumped by (W0, W1).
/// Integer math only, so a GPU kernel reproduces it bit for bit.</summary>
public static class Philox4x32
{
    public const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    public const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    public const int Rounds = 10;

    /// <summary>The four 32-bit outputs for a counter (c0..c3) and key (k0, k1).</summary>
    public static (uint X0, uint X1, uint X2, uint X3) Generate(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < Rounds; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            (c0, c1, c2, c3) = ((uint)(p1 >> 32) ^ c1 ^ k0, (uint)p1, (uint)(p0 >> 32) ^ c3 ^ k1, (uint)p0);
        }
        return (c0, c1, c2, c3);
    }

    /// <summary>The project's stream layout: element e of the stream (seed, offset) is output lane e % 4 of the block
    /// counter = (lo32(e / 4), hi32(e / 4), lo32(offset), hi32(offset)), key = (lo32(seed), hi32(seed)).</summary>
    public static uint Element(ulong seed, ulong offset, ulong element)
    {
        ulong block = element / 4;
        var (x0, x1, x2, x3) = Generate((uint)block, (uint)(block >> 32), (uint)offset, (uint)(offset >> 32),
            (uint)seed, (uint)(seed >> 32));
        return (element % 4) switch { 0 => x0, 1 => x1, 2 => x2, _ => x3 };
    }
}
