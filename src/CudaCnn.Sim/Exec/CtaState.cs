namespace CudaCnn.Sim.Exec;

/// <summary>
/// State of the CTA a worker is running: warps, shared and local memory, the racecheck shadow and the counters.
/// One per host worker, reused for every CTA it runs and, through <see cref="SimGpu"/>'s pool, for every launch:
/// the arrays grow to the largest launch seen and <see cref="Begin"/> clears what the launch uses, so each launch
/// starts from zeroed memory as if freshly allocated.
/// </summary>
internal sealed class CtaState(LaunchState launch)
{
    /// <summary>Local memory a worker keeps after a launch; more (recursive kernels, huge local arrays) is released.</summary>
    public const long RetainedLocalBytes = 16L << 20;

    /// <summary>Epoch above which the racecheck shadow is cleared at the next launch, so epochs never wrap.</summary>
    private const int EpochResetThreshold = int.MaxValue / 2;

    public readonly LaunchState Launch = launch;
    public Warp[] Warps = [];
    public int WarpCount;
    public int ThreadCount;
    public byte[] Shared = [];
    public byte[] Local = [];
    public readonly long[] Counters = new long[(int)Counter.Count];
    public RaceShadow? Race;
    public uint CtaX, CtaY, CtaZ;
    public long Steps;
    /// <summary>Completed bar.sync count of this worker (the racecheck epoch); grows across CTAs and launches.</summary>
    public int Epoch;

    /// <summary>Sizes the state for the launch in <see cref="Launch"/> and clears counters, shared and local memory.</summary>
    public void Begin()
    {
        var program = Launch.Program;
        ThreadCount = (int)Launch.Config.Block.Volume;
        WarpCount = (ThreadCount + 31) / 32;
        if (Warps.Length < WarpCount)
        {
            int kept = Warps.Length;
            Array.Resize(ref Warps, WarpCount);
            for (int i = kept; i < WarpCount; i++) Warps[i] = new Warp();
        }
        for (int i = 0; i < WarpCount; i++)
        {
            var w = Warps[i];
            w.Fit(program.RegisterCount, program.LaneParamBytes);
            w.LaneParams.AsSpan(0, Math.Max(program.LaneParamBytes, 1) * 32).Clear();
        }
        Shared = Cleared(Shared, Launch.SharedBytes);
        Local = Cleared(Local, (long)Launch.LocalBytesPerThread * ThreadCount);
        Array.Clear(Counters);
        if (Launch.Racecheck)
        {
            Race ??= new RaceShadow();
            if (Epoch > EpochResetThreshold)
            {
                Race.Clear();
                Epoch = 0;
            }
            Race.Fit(Launch.SharedBytes);
        }
    }

    /// <summary>Drops local memory beyond <see cref="RetainedLocalBytes"/> so an idle pool stays small.</summary>
    public void Trim()
    {
        if (Local.LongLength > RetainedLocalBytes) Local = [];
    }

    private static byte[] Cleared(byte[] array, long bytes)
    {
        if (array.LongLength < bytes) return new byte[bytes];
        array.AsSpan(0, (int)bytes).Clear();
        return array;
    }

    public (uint X, uint Y, uint Z) ThreadIndex(int linear)
    {
        var b = Launch.Config.Block;
        return ((uint)(linear % b.X), (uint)(linear / b.X % b.Y), (uint)(linear / (b.X * b.Y)));
    }
}
