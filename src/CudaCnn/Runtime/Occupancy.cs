namespace CudaCnn.Runtime;

/// <summary>
/// Per-SM resource limits of one compute capability, as the occupancy calculation needs them.
/// Source: NVIDIA CUDA C++ Programming Guide, "Compute Capabilities", table "Technical Specifications per
/// Compute Capability" (warps, blocks, registers and shared memory per SM, shared memory per block), and the
/// allocation granularities used by NVIDIA's occupancy calculator (cuda_occupancy.h / the Nsight Compute
/// occupancy section): registers are allocated per warp in units of 256, warps spread over 4 sub-partitions;
/// shared memory in units of 256 bytes (7.x) or 128 bytes (8.x, 9.x), plus 1 KiB reserved per block from 8.0.
/// </summary>
public sealed record ArchLimits(
    int Arch,
    int MaxWarpsPerSm,
    int MaxBlocksPerSm,
    int RegistersPerSm,
    int MaxRegistersPerBlock,
    int SharedBytesPerSm,
    int MaxSharedBytesPerBlock,
    int SharedAllocationUnit,
    int ReservedSharedBytesPerBlock)
{
    public const int WarpSize = 32;
    public const int RegisterAllocationUnit = 256;
    public const int SubPartitions = 4;

    public static readonly IReadOnlyList<ArchLimits> Known =
    [
        new(70, MaxWarpsPerSm: 64, MaxBlocksPerSm: 32, RegistersPerSm: 65536, MaxRegistersPerBlock: 65536,
            SharedBytesPerSm: 96 * 1024, MaxSharedBytesPerBlock: 96 * 1024, SharedAllocationUnit: 256, ReservedSharedBytesPerBlock: 0),
        new(75, MaxWarpsPerSm: 32, MaxBlocksPerSm: 16, RegistersPerSm: 65536, MaxRegistersPerBlock: 65536,
            SharedBytesPerSm: 64 * 1024, MaxSharedBytesPerBlock: 64 * 1024, SharedAllocationUnit: 256, ReservedSharedBytesPerBlock: 0),
        new(80, MaxWarpsPerSm: 64, MaxBlocksPerSm: 32, RegistersPerSm: 65536, MaxRegistersPerBlock: 65536,
            SharedBytesPerSm: 164 * 1024, MaxSharedBytesPerBlock: 163 * 1024, SharedAllocationUnit: 128, ReservedSharedBytesPerBlock: 1024),
        new(86, MaxWarpsPerSm: 48, MaxBlocksPerSm: 16, RegistersPerSm: 65536, MaxRegistersPerBlock: 65536,
            SharedBytesPerSm: 100 * 1024, MaxSharedBytesPerBlock: 99 * 1024, SharedAllocationUnit: 128, ReservedSharedBytesPerBlock: 1024),
        new(89, MaxWarpsPerSm: 48, MaxBlocksPerSm: 24, RegistersPerSm: 65536, MaxRegistersPerBlock: 65536,
            SharedBytesPerSm: 100 * 1024, MaxSharedBytesPerBlock: 99 * 1024, SharedAllocationUnit: 128, ReservedSharedBytesPerBlock: 1024),
        new(90, MaxWarpsPerSm: 64, MaxBlocksPerSm: 32, RegistersPerSm: 65536, MaxRegistersPerBlock: 65536,
            SharedBytesPerSm: 228 * 1024, MaxSharedBytesPerBlock: 227 * 1024, SharedAllocationUnit: 128, ReservedSharedBytesPerBlock: 1024),
    ];

    public static ArchLimits For(CompileTarget target)
    {
        int arch = target.Major * 10 + target.Minor;
        return Known.FirstOrDefault(limits => limits.Arch == arch)
            ?? throw new NotSupportedException(
                $"no occupancy limits for {target}; known: {string.Join(", ", Known.Select(k => $"sm_{k.Arch}"))}");
    }
}

/// <summary>What bounds the number of resident blocks per SM.</summary>
public enum OccupancyLimiter
{
    Warps,
    Blocks,
    Registers,
    SharedMemory,
}

/// <summary>Theoretical occupancy of one kernel at one block size on one architecture.</summary>
public readonly record struct Occupancy(int BlocksPerSm, int WarpsPerSm, int MaxWarpsPerSm, OccupancyLimiter Limiter)
{
    /// <summary>Resident warps as a fraction of the SM's maximum, in [0, 1].</summary>
    public double Fraction => (double)WarpsPerSm / MaxWarpsPerSm;

    /// <summary>
    /// Resident blocks per SM are the minimum of the warp, block, register and shared-memory limits
    /// (the same arithmetic as NVIDIA's occupancy calculator). Zero blocks means the block cannot launch.
    /// </summary>
    public static Occupancy Compute(ArchLimits limits, int blockSize, int registersPerThread, int sharedBytesPerBlock)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        ArgumentOutOfRangeException.ThrowIfNegative(registersPerThread);
        ArgumentOutOfRangeException.ThrowIfNegative(sharedBytesPerBlock);

        int warpsPerBlock = CeilDiv(blockSize, ArchLimits.WarpSize);
        var candidates = new List<(int Blocks, OccupancyLimiter Limiter)>
        {
            (limits.MaxWarpsPerSm / warpsPerBlock, OccupancyLimiter.Warps),
            (limits.MaxBlocksPerSm, OccupancyLimiter.Blocks),
            (RegisterLimit(limits, warpsPerBlock, registersPerThread), OccupancyLimiter.Registers),
            (SharedLimit(limits, sharedBytesPerBlock), OccupancyLimiter.SharedMemory),
        };
        // The first minimum wins, so ties report the more fundamental limit (warps before blocks, and so on).
        var (blocks, limiter) = candidates.MinBy(c => c.Blocks);
        return new Occupancy(blocks, blocks * warpsPerBlock, limits.MaxWarpsPerSm, limiter);
    }

    private static int RegisterLimit(ArchLimits limits, int warpsPerBlock, int registersPerThread)
    {
        if (registersPerThread == 0) return int.MaxValue;
        int registersPerWarp = RoundUp(registersPerThread * ArchLimits.WarpSize, ArchLimits.RegisterAllocationUnit);
        if (registersPerWarp * warpsPerBlock > limits.MaxRegistersPerBlock) return 0;
        // Warps are placed on sub-partitions, each with a quarter of the register file.
        int warpsPerSubPartition = limits.RegistersPerSm / ArchLimits.SubPartitions / registersPerWarp;
        return warpsPerSubPartition * ArchLimits.SubPartitions / warpsPerBlock;
    }

    private static int SharedLimit(ArchLimits limits, int sharedBytesPerBlock)
    {
        if (sharedBytesPerBlock > limits.MaxSharedBytesPerBlock) return 0;
        int perBlock = RoundUp(sharedBytesPerBlock + limits.ReservedSharedBytesPerBlock, limits.SharedAllocationUnit);
        return perBlock == 0 ? int.MaxValue : limits.SharedBytesPerSm / perBlock;
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
    private static int RoundUp(int value, int unit) => CeilDiv(value, unit) * unit;

    public override string ToString() => $"{Fraction:P0} ({WarpsPerSm}/{MaxWarpsPerSm} warps, {BlocksPerSm} blocks/SM, limited by {Limiter})";
}
