using CudaCnn.Native;
using CudaCnn.Runtime;

namespace CudaCnn.Oracle;

/// <summary>
/// A cuDNN handle on a <see cref="CudaGpu"/>'s primary context and stream, so cuDNN's work is ordered with ours.
/// Disposed with the device if not before. Throws <see cref="NativeLibraryNotFoundException"/> without libcudnn.
/// </summary>
public sealed class CudnnHandle : IDisposable
{
    private nint _handle;

    public CudnnHandle(CudaGpu gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        Gpu = gpu;
        Version = Cudnn.DecodeVersion(Cudnn.GetVersion());
        gpu.MakeCurrent();
        Cudnn.Check(Cudnn.Create(out nint handle), "cudnnCreate");
        int status = Cudnn.SetStream(handle, gpu.Stream);
        if (status != CudnnStatus.Success)
        {
            Cudnn.Destroy(handle);
            throw CudaException.FromCudnn("cudnnSetStream", status);
        }
        _handle = handle;
        gpu.Adopt(this);
    }

    public CudaGpu Gpu { get; }

    /// <summary>The loaded library's version (cuDNN 8 and 9 encode it differently; decoded here).</summary>
    public Version Version { get; }

    /// <summary>The handle, with the device's context made current on the calling thread.</summary>
    internal nint Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle == 0, this);
            Gpu.MakeCurrent();
            return _handle;
        }
    }

    public void Dispose()
    {
        if (_handle == 0) return;
        Gpu.MakeCurrent();
        nint handle = _handle;
        _handle = 0;
        Gpu.Forget(this);
        Cudnn.Check(Cudnn.Destroy(handle), "cudnnDestroy");
    }

    public override string ToString() => $"cuDNN {Version} on {Gpu}";
}
