using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Oracle;

/// <summary>
/// A CUDA device with our kernels (<see cref="KernelOps"/> over <see cref="Library"/>) and, where present, cuDNN and
/// cuBLAS on the same stream. Tensors a check uploads are owned until <see cref="Release"/> or Dispose. The device,
/// the kernel library and the handles are opened (after <see cref="OracleLibraries"/> says they load) and disposed
/// by the caller.
/// </summary>
public sealed class OracleContext : IDisposable
{
    private readonly CheckContext _uploads;

    public OracleContext(KernelLibrary library, CudnnHandle? cudnn, CublasGemm? cublas)
    {
        Library = library ?? throw new ArgumentNullException(nameof(library));
        Gpu = library.Gpu as CudaGpu ?? throw new ArgumentException($"the oracles need a CUDA device, got {library.Gpu.Info.Backend}", nameof(library));
        _uploads = new CheckContext(library);
        Ours = new KernelOps(library);
        Cudnn = cudnn;
        Cublas = cublas;
        CudnnLayers = cudnn is null ? null : new CudnnLayers(cudnn);
    }

    public CudaGpu Gpu { get; }
    public KernelLibrary Library { get; }
    public KernelOps Ours { get; }
    public CudnnHandle? Cudnn { get; }
    public CudnnLayers? CudnnLayers { get; }
    public CublasGemm? Cublas { get; }

    internal CudnnHandle RequireCudnn => Cudnn ?? throw new InvalidOperationException("this check needs cuDNN; the context was opened without it");
    internal CudnnLayers RequireLayers => CudnnLayers ?? throw new InvalidOperationException("this check needs cuDNN; the context was opened without it");
    internal CublasGemm RequireCublas => Cublas ?? throw new InvalidOperationException("this check needs cuBLAS; the context was opened without it");

    // Uploads are owned by a kernel-check context on the same device.
    public Tensor Upload(TensorShape shape, float[] values) => _uploads.Upload(shape, values);

    /// <summary>A NaN-filled tensor: an output element nobody writes fails the comparison.</summary>
    public Tensor Poisoned(TensorShape shape) => _uploads.Poisoned(shape);

    public DeviceBuffer<float> Upload(float[] values) => _uploads.Upload(values);

    public DeviceBuffer<int> Upload(int[] values) => _uploads.Upload(values);

    public T Own<T>(T resource) where T : IDisposable => _uploads.Own(resource);

    /// <summary>Frees what the last check uploaded.</summary>
    public void Release() => _uploads.Release();

    /// <summary>Releases uploads and our ops; the device, the kernel library and the library handles stay with the caller.</summary>
    public void Dispose()
    {
        Release();
        Ours.Dispose();
    }

    /// <summary>Ours and theirs against the reference with their own tolerances, and against each other.</summary>
    internal static OracleComparison Compare(string tensor, float[] expected, float[]? ours, Tolerance oursTolerance,
        float[] theirs, Tolerance theirsTolerance, TensorShape? shape = null)
    {
        var oursResult = ours is null ? null : TensorComparison.Compare($"{tensor} ours", expected, ours, oursTolerance, shape);
        var theirsResult = TensorComparison.Compare($"{tensor} library", expected, theirs, theirsTolerance, shape);
        var between = ours is null ? null
            : TensorComparison.Compare($"{tensor} ours vs library", theirs, ours, OracleTolerances.Between(oursTolerance, theirsTolerance), shape);
        return new OracleComparison(tensor, oursResult, theirsResult, between);
    }
}
