using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CudaCnn.Native;

/// <summary>
/// The cuBLAS v2 API subset used as the GEMM oracle (native-abi.md §3). The _v2 exports are the handle-based API;
/// the unversioned cublasSgemm/cublasCreate belong to the legacy cublas.h ABI and must not be bound. Matrices are
/// column-major. alpha/beta point to host memory (the default pointer mode).
/// </summary>
internal static unsafe partial class Cublas
{
    /// <summary>Logical name; the resolver maps it to libcublas.so.13/12/11 / cublas64_13.dll ...</summary>
    internal const string Library = NativeLibrarySpec.Cublas;

    [LibraryImport(Library, EntryPoint = "cublasCreate_v2")]
    internal static partial CublasStatus Create(out nint handle);

    [LibraryImport(Library, EntryPoint = "cublasDestroy_v2")]
    internal static partial CublasStatus Destroy(nint handle);

    [LibraryImport(Library, EntryPoint = "cublasSetStream_v2")]
    internal static partial CublasStatus SetStream(nint handle, nint stream);

    [LibraryImport(Library, EntryPoint = "cublasGetVersion_v2")]
    internal static partial CublasStatus GetVersion(nint handle, out int version);

    /// <summary>No _v2 suffix for the math mode functions.</summary>
    [LibraryImport(Library, EntryPoint = "cublasSetMathMode")]
    internal static partial CublasStatus SetMathMode(nint handle, CublasMath mode);

    [LibraryImport(Library, EntryPoint = "cublasSgemm_v2")]
    internal static partial CublasStatus Sgemm(
        nint handle, CublasOperation transa, CublasOperation transb, int m, int n, int k,
        float* alpha, ulong a, int lda, ulong b, int ldb, float* beta, ulong c, int ldc);

    /// <summary>Strides are in elements (signed 64-bit); no _v2 suffix.</summary>
    [LibraryImport(Library, EntryPoint = "cublasSgemmStridedBatched")]
    internal static partial CublasStatus SgemmStridedBatched(
        nint handle, CublasOperation transa, CublasOperation transb, int m, int n, int k,
        float* alpha, ulong a, int lda, long strideA, ulong b, int ldb, long strideB,
        float* beta, ulong c, int ldc, long strideC, int batchCount);

    /// <summary>alpha/beta are float for the *_32F* compute types (TF32 included).</summary>
    [LibraryImport(Library, EntryPoint = "cublasGemmEx")]
    internal static partial CublasStatus GemmEx(
        nint handle, CublasOperation transa, CublasOperation transb, int m, int n, int k,
        void* alpha, ulong a, CudaDataType aType, int lda, ulong b, CudaDataType bType, int ldb,
        void* beta, ulong c, CudaDataType cType, int ldc, CublasComputeType computeType, CublasGemmAlgo algo);

    [LibraryImport(Library, EntryPoint = "cublasGetStatusName")]
    internal static partial nint GetStatusName(CublasStatus status);

    [LibraryImport(Library, EntryPoint = "cublasGetStatusString")]
    internal static partial nint GetStatusString(CublasStatus status);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Check(CublasStatus status, string function)
    {
        if (status != CublasStatus.CUBLAS_STATUS_SUCCESS) throw CudaException.FromCublas(function, status);
    }

    /// <summary>
    /// CUBLAS_VERSION is major×10000 + minor×100 + patch since cuBLAS 11.9 (12.6.3 → 120603); older 11.x headers used
    /// major×1000 + minor×100 + patch (11.6.5 → 11605). Six digits therefore mean the newer scheme.
    /// </summary>
    internal static Version DecodeVersion(int version) => version >= 100_000
        ? new Version(version / 10000, version / 100 % 100, version % 100)
        : new Version(version / 1000, version / 100 % 10, version % 100);
}
