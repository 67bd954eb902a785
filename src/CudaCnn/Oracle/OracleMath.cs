namespace CudaCnn.Oracle;

/// <summary>Which arithmetic cuDNN and cuBLAS may use for float32 data.</summary>
public enum OracleMath
{
    /// <summary>Plain FP32 fused multiply-adds, no tensor cores: cuDNN CUDNN_FMA_MATH (3; not CUDNN_DEFAULT_MATH,
    /// which allows TF32 on sm_80+), cuBLAS cublasSgemm_v2 under CUBLAS_DEFAULT_MATH.</summary>
    Fma,
    /// <summary>TF32 tensor cores allowed (sm_80+): cuDNN CUDNN_TENSOR_OP_MATH (1), cuBLAS cublasGemmEx with
    /// CUBLAS_COMPUTE_32F_FAST_TF32 (77). Inputs are rounded to a 10-bit mantissa.</summary>
    Tf32,
}

/// <summary>Which pooling cuDNN computes.</summary>
public enum PoolingKind
{
    Max,
    Average,
}
