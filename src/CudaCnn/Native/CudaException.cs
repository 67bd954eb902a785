namespace CudaCnn.Native;

/// <summary>The NVIDIA library a failing call belongs to.</summary>
public enum CudaLibrary
{
    Driver,
    Cublas,
    Cudnn,
}

/// <summary>
/// A CUDA driver, cuBLAS or cuDNN call returned an error status. Carries the exported function that failed, the
/// numeric status, its C name (e.g. CUDA_ERROR_OUT_OF_MEMORY) and the library's own description of it.
/// </summary>
public sealed class CudaException : Exception
{
    internal CudaException(CudaLibrary library, string function, int code, string codeName, string description, string? detail = null)
        : base(FormatMessage(function, code, codeName, description, detail))
    {
        Library = library;
        Function = function;
        Code = code;
        CodeName = codeName;
        Description = description;
    }

    public CudaLibrary Library { get; }
    public string Function { get; }
    public int Code { get; }
    public string CodeName { get; }
    /// <summary>The library's text for the status, or "" where the library could not be asked.</summary>
    public string Description { get; }

    internal static CudaException FromDriver(string function, CUresult code, string? detail = null) =>
        new(CudaLibrary.Driver, function, (int)code, NativeErrorText.DriverName(code), NativeErrorText.DriverDescription(code), detail);

    internal static CudaException FromCublas(string function, CublasStatus status) =>
        new(CudaLibrary.Cublas, function, (int)status, NativeErrorText.CublasName(status), NativeErrorText.CublasDescription(status));

    internal static CudaException FromCudnn(string function, int status) =>
        new(CudaLibrary.Cudnn, function, status, CudnnStatus.Name(status), NativeErrorText.CudnnDescription(status), NativeErrorText.CudnnLastError());

    private static string FormatMessage(string function, int code, string codeName, string description, string? detail)
    {
        string text = $"{function} failed with {codeName} ({code})";
        if (description.Length > 0 && description != codeName) text += $": {description}";
        if (!string.IsNullOrEmpty(detail)) text += Environment.NewLine + detail;
        return text;
    }
}
