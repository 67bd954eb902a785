using CudaCnn.Oracle;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Oracle;

/// <summary>The GPU oracle test classes run one after another on one shared <see cref="OracleFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class OracleGpuCollection : ICollectionFixture<OracleFixture>
{
    public const string Name = "Oracle GPU";
}

/// <summary>
/// One CUDA device, kernel library and cuDNN/cuBLAS handles shared by the oracle tests, opened on first use (never
/// where the tests are skipped). A handle whose tests would be skipped is not opened; with
/// CUDACNN_REQUIRE_ORACLES=1 both are, so a missing library fails with its not-found message.
/// </summary>
public sealed class OracleFixture : IDisposable
{
    // Memory cache only: each kernel file compiles once per test run.
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);

    private readonly Lazy<OracleContext> _context = new(Open);

    public OracleContext Context => _context.Value;

    private static OracleContext Open()
    {
        var gpu = CudaGpu.Open();
        var library = new KernelLibrary(gpu, Compiler);
        var cudnn = OracleRequirement.CudnnSkipReason is null ? new CudnnHandle(gpu) : null;
        var cublas = OracleRequirement.CublasSkipReason is null ? new CublasGemm(gpu) : null;
        return new OracleContext(library, cudnn, cublas);
    }

    public void Dispose()
    {
        if (!_context.IsValueCreated) return;
        var context = _context.Value;
        context.Dispose();
        context.Library.Dispose();
        context.Gpu.Dispose(); // destroys the cuDNN and cuBLAS handles before releasing the context
    }
}
