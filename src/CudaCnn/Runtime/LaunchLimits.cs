namespace CudaCnn.Runtime;

/// <summary>What one loaded kernel allows per block on its device (from cuFuncGetAttribute).</summary>
internal readonly record struct KernelLimits(int MaxThreadsPerBlock, int MaxDynamicSharedBytes, int StaticSharedBytes, int Registers);

/// <summary>
/// The device's grid and block dimension limits; <see cref="Check"/> rejects a launch the driver would refuse
/// (or, worse, accept and fail later) with a message naming the kernel and the offending dimension.
/// </summary>
internal readonly record struct LaunchLimits(Dim3 MaxBlock, Dim3 MaxGrid)
{
    public void Check(string kernel, KernelLimits limits, in LaunchConfig config)
    {
        if (config.Grid.Volume == 0 || config.Block.Volume == 0)
            throw new ArgumentException($"{kernel}: {config} has a zero dimension; every grid and block dimension must be at least 1", nameof(config));
        if (Exceeds(config.Block, MaxBlock))
            throw new ArgumentException($"{kernel}: block {config.Block} exceeds the device's maximum block dimensions {MaxBlock}", nameof(config));
        if (Exceeds(config.Grid, MaxGrid))
            throw new ArgumentException($"{kernel}: grid {config.Grid} exceeds the device's maximum grid dimensions {MaxGrid}", nameof(config));
        if (config.Block.Volume > (ulong)limits.MaxThreadsPerBlock)
            throw new ArgumentException(
                $"{kernel}: block {config.Block} has {config.Block.Volume} threads; this kernel allows at most {limits.MaxThreadsPerBlock} per block ({limits.Registers} registers per thread)",
                nameof(config));
        if (config.SharedMemoryBytes > (uint)limits.MaxDynamicSharedBytes)
            throw new ArgumentException(
                $"{kernel}: asks for {config.SharedMemoryBytes} bytes of dynamic shared memory; this kernel allows at most {limits.MaxDynamicSharedBytes} (it also uses {limits.StaticSharedBytes} bytes statically)",
                nameof(config));
    }

    private static bool Exceeds(Dim3 value, Dim3 max) => value.X > max.X || value.Y > max.Y || value.Z > max.Z;
}
