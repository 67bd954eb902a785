namespace CudaCnn.Tests.Shared;

/// <summary>
/// Managed bytes that steady-state work allocates on the calling thread (GC.GetAllocatedBytesForCurrentThread): the
/// fewest over up to <see cref="Rounds"/> rounds. Work that allocates does so in every round; an allocation that is
/// not the work's own was seen once, in a fresh CI run under load (6,256 B in one round of 20 software-GPU launches
/// that allocate nothing in isolation), and does not repeat in the next round.
/// </summary>
public static class SteadyStateAllocation
{
    public const int Rounds = 3;

    public static long Bytes(Action round)
    {
        long fewest = long.MaxValue;
        for (int i = 0; i < Rounds && fewest > 0; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }
}
