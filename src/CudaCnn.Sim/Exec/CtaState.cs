namespace CudaCnn.Sim.Exec;

/// <summary>
/// State of the CTA a worker is running: shared and local memory, the racecheck shadow and the counters. One per
/// host worker, reused for every CTA it runs.
/// </summary>
internal sealed class CtaState
{
    public readonly LaunchState Launch;
    public readonly Warp[] Warps;
    public readonly int WarpCount;
    public readonly int ThreadCount;
    public readonly byte[] Shared;
    public readonly byte[] Local;
    public readonly long[] Counters = new long[(int)Counter.Count];
    public readonly RaceShadow? Race;
    public uint CtaX, CtaY, CtaZ;
    public long Steps;
    /// <summary>Completed bar.sync count of this CTA (the racecheck epoch).</summary>
    public int Epoch;

    public CtaState(LaunchState launch)
    {
        Launch = launch;
        var block = launch.Config.Block;
        ThreadCount = (int)block.Volume;
        WarpCount = (ThreadCount + 31) / 32;
        Warps = new Warp[WarpCount];
        for (int i = 0; i < WarpCount; i++) Warps[i] = new Warp(launch.Program.RegisterCount, launch.Program.LaneParamBytes);
        Shared = new byte[launch.SharedBytes];
        Local = new byte[(long)launch.LocalBytesPerThread * ThreadCount];
        if (launch.Racecheck) Race = new RaceShadow(launch.SharedBytes);
    }

    public (uint X, uint Y, uint Z) ThreadIndex(int linear)
    {
        var b = Launch.Config.Block;
        return ((uint)(linear % b.X), (uint)(linear / b.X % b.Y), (uint)(linear / (b.X * b.Y)));
    }
}
