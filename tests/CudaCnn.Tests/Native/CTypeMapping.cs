namespace CudaCnn.Tests.Native;

/// <summary>
/// Which C# types may bind a C type on 64-bit Windows and Linux (native-abi.md §0.1): int → int, unsigned → uint,
/// size_t → nuint, long long → long, unsigned long long and CUdeviceptr → ulong, CUdevice → int, enums → int or
/// an int-backed enum, opaque handles and descriptors → nint; T* → a C# pointer to T's mapping, out/ref of it, or
/// nint; a void*/float* data pointer may also be a ulong device address. "const" is ignored.
/// </summary>
internal static class CTypeMapping
{
    private static readonly HashSet<string> Handles =
        ["CUcontext", "CUmodule", "CUfunction", "CUstream", "CUevent", "cudaStream_t", "nvrtcProgram", "cublasHandle_t", "cudnnHandle_t"];

    private static readonly HashSet<string> Enums =
    [
        "CUresult", "CUdevice_attribute", "CUfunction_attribute", "CUjit_option", "nvrtcResult", "cublasStatus_t",
        "cublasOperation_t", "cublasMath_t", "cublasComputeType_t", "cublasGemmAlgo_t", "cudaDataType",
    ];

    public static bool Matches(string cType, Type clr)
    {
        string normalized = string.Join(' ', cType.Replace("*", " * ").Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(t => t != "const"));
        int stars = normalized.Count(c => c == '*');
        string baseType = normalized.Replace("*", "").Trim();
        return Matches(baseType, stars, clr);
    }

    private static bool Matches(string baseType, int stars, Type clr)
    {
        if (clr.IsByRef) return stars > 0 && Matches(baseType, stars - 1, clr.GetElementType()!);
        if (clr.IsPointer)
        {
            if (stars == 0) return false;
            // void* is untyped: any C# pointer binds it.
            return (baseType == "void" && stars == 1) || Matches(baseType, stars - 1, clr.GetElementType()!);
        }
        if (stars > 0)
            return clr == typeof(nint) || (stars == 1 && (baseType is "void" or "float") && clr == typeof(ulong));
        return Scalar(baseType, clr);
    }

    private static bool Scalar(string c, Type clr) => c switch
    {
        "void" => clr == typeof(void),
        "char" => clr == typeof(byte) || clr == typeof(sbyte),
        "int" or "CUdevice" => clr == typeof(int),
        "unsigned" or "unsigned int" => clr == typeof(uint),
        "size_t" => clr == typeof(nuint),
        "long long" or "long long int" => clr == typeof(long),
        "unsigned long long" or "CUdeviceptr" => clr == typeof(ulong),
        "float" => clr == typeof(float),
        "double" => clr == typeof(double),
        _ when IsHandle(c) => clr == typeof(nint),
        _ when IsPerfStruct(c) => clr == typeof(CudaCnn.Native.CudnnAlgoPerf),
        _ when IsEnum(c) => clr == typeof(int) || (clr.IsEnum && Enum.GetUnderlyingType(clr) == typeof(int)),
        _ => false,
    };

    private static bool IsHandle(string c) => Handles.Contains(c) || (c.StartsWith("cudnn", StringComparison.Ordinal) && c.EndsWith("Descriptor_t", StringComparison.Ordinal));

    private static bool IsPerfStruct(string c) => c.StartsWith("cudnnConvolution", StringComparison.Ordinal) && c.EndsWith("AlgoPerf_t", StringComparison.Ordinal);

    private static bool IsEnum(string c) => Enums.Contains(c) || (c.StartsWith("cudnn", StringComparison.Ordinal) && c.EndsWith("_t", StringComparison.Ordinal));
}
