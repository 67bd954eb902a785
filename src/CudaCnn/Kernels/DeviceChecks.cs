using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>The buffer checks every convolution/GEMM launcher makes before a launch.</summary>
internal static class DeviceChecks
{
    /// <summary>Throws unless <paramref name="buffer"/> lives on the library's device and is not disposed.</summary>
    public static void RequireOn(this KernelLibrary library, DeviceBuffer<float> buffer, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (!ReferenceEquals(buffer.Gpu, library.Gpu))
            throw new ArgumentException($"{name} lives on {buffer.Gpu.Info.Name}, these kernels on {library.Gpu.Info.Name}", name);
        _ = buffer.Ptr; // throws ObjectDisposedException for a disposed buffer
    }
}
