using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// Argument checks and launch geometry shared by the typed launchers. Every check runs before the device is
/// touched and names the operation, the argument, the expected and the actual value.
/// </summary>
public static class LaunchChecks
{
    /// <summary>Threads one SM can hold on sm_70/80/90 (fewer on 75/86/89, which then take a second round).</summary>
    private const int ThreadsPerSm = 2048;

    public static long LengthOf(DeviceBuffer<float> buffer, string argument)
    {
        ArgumentNullException.ThrowIfNull(buffer, argument);
        return buffer.Length;
    }

    /// <summary>The common length of buffers that must all be the same length (the first is the reference).</summary>
    public static long SameLength(string operation, params ReadOnlySpan<(DeviceBuffer<float> Buffer, string Name)> buffers)
    {
        long length = LengthOf(buffers[0].Buffer, buffers[0].Name);
        foreach (var (buffer, name) in buffers[1..])
        {
            if (LengthOf(buffer, name) != length)
                throw new ArgumentException(
                    $"{operation}: {name} has {buffer.Length} elements, {buffers[0].Name} has {length}; the buffers must be the same length",
                    name);
        }
        return length;
    }

    /// <summary>A non-negative count, and buffers that are live, on <paramref name="gpu"/> and at least that long.</summary>
    public static void Usable(string operation, IGpu gpu, long count, ReadOnlySpan<(DeviceBuffer<float> Buffer, string Name)> buffers)
    {
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{operation}: expected a non-negative element count");
        foreach (var (buffer, name) in buffers)
        {
            ArgumentNullException.ThrowIfNull(buffer, name);
            if (!ReferenceEquals(buffer.Gpu, gpu))
                throw new ArgumentException(
                    $"{operation}: {name} lives on {buffer.Gpu.Info.Name} ({buffer.Gpu.Info.Backend}), the kernel runs on {gpu.Info.Name} ({gpu.Info.Backend})",
                    name);
            if (buffer.Length < count)
                throw new ArgumentException($"{operation}: {name} has {buffer.Length} elements, fewer than the count {count}", name);
            _ = buffer.Ptr; // throws ObjectDisposedException for a disposed buffer
        }
    }

    /// <summary>
    /// A 1-D launch for a grid-stride kernel over <paramref name="count"/> elements: enough blocks to cover the
    /// count, but at most one wave of resident blocks; the loop in the kernel covers the rest.
    /// </summary>
    public static LaunchConfig GridStride(IGpu gpu, long count, uint blockSize)
    {
        long oneWave = (long)Math.Max(1, gpu.Info.MultiprocessorCount) * (ThreadsPerSm / blockSize);
        long blocks = Math.Clamp((count + blockSize - 1) / blockSize, 1, oneWave);
        return new LaunchConfig(new Dim3((uint)blocks), new Dim3(blockSize));
    }
}
