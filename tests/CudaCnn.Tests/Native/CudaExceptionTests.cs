using CudaCnn.Native;

namespace CudaCnn.Tests.Native;

public sealed class CudaExceptionTests
{
    [Fact]
    public void A_driver_error_names_the_function_the_code_and_its_C_name()
    {
        var e = CudaException.FromDriver("cuMemAlloc_v2", CUresult.CUDA_ERROR_OUT_OF_MEMORY, "requested 1024 bytes");

        Assert.Equal(CudaLibrary.Driver, e.Library);
        Assert.Equal("cuMemAlloc_v2", e.Function);
        Assert.Equal(2, e.Code);
        Assert.Equal("CUDA_ERROR_OUT_OF_MEMORY", e.CodeName);
        Assert.StartsWith("cuMemAlloc_v2 failed with CUDA_ERROR_OUT_OF_MEMORY (2)", e.Message);
        Assert.Contains("requested 1024 bytes", e.Message);
    }

    [Fact]
    public void An_unknown_driver_code_still_gets_a_name()
    {
        var e = CudaException.FromDriver("cuInit", (CUresult)4242);
        Assert.Equal("CUDA_ERROR_4242", e.CodeName);
        Assert.Contains("(4242)", e.Message);
    }

    [Theory]
    [InlineData(100, "CUDA_ERROR_NO_DEVICE")]
    [InlineData(700, "CUDA_ERROR_ILLEGAL_ADDRESS")]
    [InlineData(222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION")]
    [InlineData(34, "CUDA_ERROR_STUB_LIBRARY")]
    public void Driver_names_match_the_reference_values(int code, string name) =>
        Assert.Equal(name, CudaException.FromDriver("f", (CUresult)code).CodeName);

    [Fact]
    public void A_cublas_error_names_its_status()
    {
        var e = CudaException.FromCublas("cublasSgemm_v2", CublasStatus.CUBLAS_STATUS_INVALID_VALUE);
        Assert.Equal(CudaLibrary.Cublas, e.Library);
        Assert.Equal(7, e.Code);
        Assert.Equal("CUBLAS_STATUS_INVALID_VALUE", e.CodeName);
        Assert.StartsWith("cublasSgemm_v2 failed with CUBLAS_STATUS_INVALID_VALUE (7)", e.Message);
    }

    [Theory]
    [InlineData(3, "CUDNN_STATUS_BAD_PARAM")]          // cuDNN 8 numbering
    [InlineData(2000, "CUDNN_STATUS_BAD_PARAM")]       // cuDNN 9 numbering
    [InlineData(9, "CUDNN_STATUS_NOT_SUPPORTED")]
    [InlineData(3000, "CUDNN_STATUS_NOT_SUPPORTED")]
    [InlineData(3007, "CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH")]
    [InlineData(14, "CUDNN_STATUS_VERSION_MISMATCH")]
    [InlineData(5004, "CUDNN_STATUS_EXECUTION_FAILED_CURAND")]
    [InlineData(777, "CUDNN_STATUS_777")]
    public void A_cudnn_status_is_named_under_either_major_version(int status, string name)
    {
        var e = CudaException.FromCudnn("cudnnConvolutionForward", status);
        Assert.Equal(CudaLibrary.Cudnn, e.Library);
        Assert.Equal(name, e.CodeName);
        Assert.StartsWith($"cudnnConvolutionForward failed with {name} ({status})", e.Message);
    }

    [Theory]
    [InlineData(8901u, 8, 9, 1)]
    [InlineData(8600u, 8, 6, 0)]
    [InlineData(90600u, 9, 6, 0)]
    [InlineData(91200u, 9, 12, 0)]
    [InlineData(91002u, 9, 10, 2)]
    public void Cudnn_versions_decode_in_both_encodings(uint encoded, int major, int minor, int patch) =>
        Assert.Equal(new Version(major, minor, patch), Cudnn.DecodeVersion(encoded));

    [Theory]
    [InlineData(120603, 12, 6, 3)]
    [InlineData(130101, 13, 1, 1)]
    [InlineData(110902, 11, 9, 2)]
    [InlineData(11605, 11, 6, 5)]
    public void Cublas_versions_decode_in_both_encodings(int encoded, int major, int minor, int patch) =>
        Assert.Equal(new Version(major, minor, patch), Cublas.DecodeVersion(encoded));
}
