namespace CudaCnn.Sim;

/// <summary>Which run-time checkers the software GPU applies (compute-sanitizer's tools).</summary>
[Flags]
public enum SimCheckers
{
    None = 0,
    /// <summary>Misaligned accesses and out-of-bounds accesses to shared/local/param memory.
    /// Accesses to unmapped global addresses always fail: the simulator has no memory there.</summary>
    Memcheck = 1,
    /// <summary>Divergent bar.sync and warp collectives whose member mask is violated.</summary>
    Synccheck = 2,
    /// <summary>Shared-memory hazards between barriers (RAW, WAR, WAW) across warps.</summary>
    Racecheck = 4,
    /// <summary>Reads of global bytes never written by a copy, fill or kernel store.</summary>
    Initcheck = 8,
    Default = Memcheck | Synccheck | Racecheck,
}

/// <summary>Settings of a <see cref="SimGpu"/>.</summary>
public sealed record SimOptions
{
    public SimCheckers Checkers { get; init; } = SimCheckers.Default;

    /// <summary>Run CTAs one after another in grid order: reproducible float atomics and counters.</summary>
    public bool Deterministic { get; init; }

    /// <summary>Host threads running CTAs in parallel (ignored when <see cref="Deterministic"/>); 0 = all cores.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Local memory per thread in bytes for kernels with a recursive call graph, whose stack the PTX does not
    /// bound (the depot of the kernel plus call frames). Other kernels get exactly their deepest call chain's depots.</summary>
    public int LocalBytesPerThread { get; init; } = 16 * 1024;

    /// <summary>Device memory the software GPU reports and enforces over all live allocations.</summary>
    public long TotalMemoryBytes { get; init; } = 16L << 30;

    /// <summary>Warp instructions one CTA may execute before the launch is reported as not making progress.</summary>
    public long StepBudgetPerCta { get; init; } = 2_000_000_000;

    /// <summary>Shared memory limit per block in bytes (what <see cref="Runtime.DeviceInfo"/> reports).</summary>
    public int MaxSharedMemoryPerBlock { get; init; } = 48 * 1024;
}
