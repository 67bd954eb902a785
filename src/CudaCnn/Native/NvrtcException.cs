namespace CudaCnn.Native;

/// <summary>An NVRTC call failed: the function, the nvrtcResult code and name, and NVRTC's message.</summary>
public sealed class NvrtcException(string function, int code, string nvrtcMessage)
    : Exception($"{function} failed with {NameOf(code)} ({code}): {nvrtcMessage}")
{
    internal const int Success = 0;
    internal const int CompilationFailed = 6;

    public string Function { get; } = function;
    public int Code { get; } = code;
    public string CodeName => NameOf(Code);
    public string NvrtcMessage { get; } = nvrtcMessage;

    /// <summary>nvrtcResult names, native-abi.md section 2.2 (values 12-17 appeared in CUDA 12.1-13.0).</summary>
    private static readonly string[] Names =
    [
        "NVRTC_SUCCESS", "NVRTC_ERROR_OUT_OF_MEMORY", "NVRTC_ERROR_PROGRAM_CREATION_FAILURE", "NVRTC_ERROR_INVALID_INPUT",
        "NVRTC_ERROR_INVALID_PROGRAM", "NVRTC_ERROR_INVALID_OPTION", "NVRTC_ERROR_COMPILATION",
        "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE", "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION",
        "NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION", "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID",
        "NVRTC_ERROR_INTERNAL_ERROR", "NVRTC_ERROR_TIME_FILE_WRITE_FAILED", "NVRTC_ERROR_NO_PCH_CREATE_ATTEMPTED",
        "NVRTC_ERROR_PCH_CREATE_HEAP_EXHAUSTED", "NVRTC_ERROR_PCH_CREATE", "NVRTC_ERROR_CANCELLED",
        "NVRTC_ERROR_TIME_TRACE_FILE_WRITE_FAILED",
    ];

    public static string NameOf(int code) =>
        (uint)code < (uint)Names.Length ? Names[code] : $"NVRTC_ERROR_UNKNOWN_{code}";
}
