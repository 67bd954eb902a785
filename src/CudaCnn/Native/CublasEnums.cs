namespace CudaCnn.Native;

// Values from native-abi.md §3.2 (identical in cuBLAS 11.8, 12.x and 13.0). Status members keep the C names so
// that Enum.GetName gives the documented name when cublasGetStatusName cannot be called.
#pragma warning disable CA1707 // identifiers keep the C spelling on purpose

internal enum CublasStatus
{
    CUBLAS_STATUS_SUCCESS = 0,
    CUBLAS_STATUS_NOT_INITIALIZED = 1,
    CUBLAS_STATUS_ALLOC_FAILED = 3,
    CUBLAS_STATUS_INVALID_VALUE = 7,
    CUBLAS_STATUS_ARCH_MISMATCH = 8,
    CUBLAS_STATUS_MAPPING_ERROR = 11,
    CUBLAS_STATUS_EXECUTION_FAILED = 13,
    CUBLAS_STATUS_INTERNAL_ERROR = 14,
    CUBLAS_STATUS_NOT_SUPPORTED = 15,
    CUBLAS_STATUS_LICENSE_ERROR = 16,
}

internal enum CublasOperation
{
    N = 0,
    T = 1,
}

internal enum CublasMath
{
    Default = 0,
    Pedantic = 2,
    Tf32TensorOp = 3,
}

internal enum CublasComputeType
{
    Compute32F = 68,
    Compute32FPedantic = 69,
    Compute32FFastTf32 = 77,
}

internal enum CublasGemmAlgo
{
    Default = -1,
}

/// <summary>cudaDataType from library_types.h (only the element types CudaCnn uses).</summary>
internal enum CudaDataType
{
    R32F = 0,
}
