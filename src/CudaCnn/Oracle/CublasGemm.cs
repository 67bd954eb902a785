using CudaCnn.Native;
using CudaCnn.Runtime;

namespace CudaCnn.Oracle;

/// <summary>
/// The arguments of one column-major cuBLAS call that computes our row-major GEMM: a row-major m x n C is the
/// column-major n x m C^T = op(B)^T op(A)^T, so cuBLAS gets B's buffer first, A's second, and m and n swapped.
/// A row-major matrix read column-major is its transpose, which is why the transposes carry over unchanged.
/// </summary>
internal readonly record struct CublasGemmPlan(
    CublasOperation TransFirst, CublasOperation TransSecond, int M, int N, int K, int LdFirst, int LdSecond, int LdC)
{
    /// <summary>For C[m, n] = alpha op(A) op(B) + beta C with A stored m x k (k x m when transA), B k x n (n x k
    /// when transB), all packed row-major (the convention of GemmKernels and GemmReference).</summary>
    public static CublasGemmPlan For(bool transA, bool transB, int m, int n, int k) => new(
        TransFirst: transB ? CublasOperation.T : CublasOperation.N,
        TransSecond: transA ? CublasOperation.T : CublasOperation.N,
        M: n, N: m, K: k,
        LdFirst: transB ? k : n,
        LdSecond: transA ? m : k,
        LdC: n);
}

/// <summary>
/// cuBLAS GEMM on a <see cref="CudaGpu"/>'s stream in our row-major convention: C = alpha op(A) op(B) + beta C
/// (C is not read when beta = 0). <see cref="OracleMath.Fma"/> calls cublasSgemm_v2 (FP32, CUBLAS_DEFAULT_MATH);
/// <see cref="OracleMath.Tf32"/> calls cublasGemmEx with CUBLAS_COMPUTE_32F_FAST_TF32. Sizes and buffers are
/// checked before the call. Disposed with the device if not before.
/// </summary>
public sealed unsafe class CublasGemm : IDisposable
{
    private nint _handle;

    public CublasGemm(CudaGpu gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        Gpu = gpu;
        gpu.MakeCurrent();
        Cublas.Check(Cublas.Create(out nint handle), "cublasCreate_v2");
        try
        {
            Cublas.Check(Cublas.SetStream(handle, gpu.Stream), "cublasSetStream_v2");
            Cublas.Check(Cublas.SetMathMode(handle, CublasMath.Default), "cublasSetMathMode");
            Cublas.Check(Cublas.GetVersion(handle, out int version), "cublasGetVersion_v2");
            Version = Cublas.DecodeVersion(version);
        }
        catch
        {
            Cublas.Destroy(handle);
            throw;
        }
        _handle = handle;
        gpu.Adopt(this);
    }

    public CudaGpu Gpu { get; }
    public Version Version { get; }

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, DeviceBuffer<float> a, DeviceBuffer<float> b,
        float beta, DeviceBuffer<float> c, OracleMath math = OracleMath.Fma)
    {
        var plan = Check(Gpu, transA, transB, m, n, k, a, b, c);
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        Gpu.MakeCurrent();
        if (math == OracleMath.Fma)
        {
            Cublas.Check(Cublas.Sgemm(_handle, plan.TransFirst, plan.TransSecond, plan.M, plan.N, plan.K, &alpha,
                b.Ptr.Address, plan.LdFirst, a.Ptr.Address, plan.LdSecond, &beta, c.Ptr.Address, plan.LdC), "cublasSgemm_v2");
            return;
        }
        if (math != OracleMath.Tf32) throw new ArgumentOutOfRangeException(nameof(math), math, "expected Fma or Tf32");
        Cublas.Check(Cublas.GemmEx(_handle, plan.TransFirst, plan.TransSecond, plan.M, plan.N, plan.K, &alpha,
            b.Ptr.Address, CudaDataType.R32F, plan.LdFirst, a.Ptr.Address, CudaDataType.R32F, plan.LdSecond, &beta,
            c.Ptr.Address, CudaDataType.R32F, plan.LdC, CublasComputeType.Compute32FFastTf32, CublasGemmAlgo.Default), "cublasGemmEx");
    }

    /// <summary>Sizes positive and within int, each buffer on <paramref name="device"/> and large enough.</summary>
    internal static CublasGemmPlan Check(IGpu device, bool transA, bool transB, int m, int n, int k,
        DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c)
    {
        const string op = "cuBLAS GEMM";
        if (m <= 0) throw new ArgumentOutOfRangeException(nameof(m), m, $"{op}: m must be positive, got {m}");
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"{op}: n must be positive, got {n}");
        if (k <= 0) throw new ArgumentOutOfRangeException(nameof(k), k, $"{op}: k must be positive, got {k}");
        OracleValidation.Buffer(op, device, a, nameof(a), (long)m * k, transA ? $"A is k x m = {k} x {m}" : $"A is m x k = {m} x {k}");
        OracleValidation.Buffer(op, device, b, nameof(b), (long)k * n, transB ? $"B is n x k = {n} x {k}" : $"B is k x n = {k} x {n}");
        OracleValidation.Buffer(op, device, c, nameof(c), (long)m * n, $"C is m x n = {m} x {n}");
        return CublasGemmPlan.For(transA, transB, m, n, k);
    }

    public void Dispose()
    {
        if (_handle == 0) return;
        Gpu.MakeCurrent();
        nint handle = _handle;
        _handle = 0;
        Gpu.Forget(this);
        Cublas.Check(Cublas.Destroy(handle), "cublasDestroy_v2");
    }

    public override string ToString() => $"cuBLAS {Version} on {Gpu}";
}
