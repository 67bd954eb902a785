namespace CudaCnn.Runtime;

/// <summary>Grid and block dimensions plus dynamic shared memory; an immutable value passed per launch.</summary>
public readonly record struct Dim3(uint X, uint Y = 1, uint Z = 1)
{
    public ulong Volume => (ulong)X * Y * Z;
    public override string ToString() => $"({X},{Y},{Z})";
}

public readonly record struct LaunchConfig(Dim3 Grid, Dim3 Block, uint SharedMemoryBytes = 0)
{
    /// <summary>One-dimensional launch covering <paramref name="count"/> threads with the given block size.</summary>
    public static LaunchConfig For1D(long count, uint blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        long blocks = Math.Max(1, (count + blockSize - 1) / blockSize);
        if (blocks > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"needs {blocks} blocks of {blockSize}; the grid's x dimension holds at most {int.MaxValue}");
        return new LaunchConfig(new Dim3((uint)blocks), new Dim3(blockSize));
    }

    public ulong ThreadsPerBlock => Block.Volume;
    public override string ToString() => $"grid {Grid} block {Block} smem {SharedMemoryBytes} B";
}
