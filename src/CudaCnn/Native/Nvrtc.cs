using System.Runtime.InteropServices;

namespace CudaCnn.Native;

/// <summary>
/// The NVRTC subset of native-abi.md section 2.1. Exports are unversioned and identical in CUDA 11.8 to 13.0.
/// Blittable signatures only: strings cross as byte pointers (UTF-8, NUL-terminated), handles as nint.
/// </summary>
internal static unsafe partial class Nvrtc
{
    private const string Library = NativeLibrarySpec.Nvrtc;

    [LibraryImport(Library, EntryPoint = "nvrtcGetErrorString")]
    internal static partial byte* GetErrorString(int result);

    [LibraryImport(Library, EntryPoint = "nvrtcVersion")]
    internal static partial int Version(int* major, int* minor);

    [LibraryImport(Library, EntryPoint = "nvrtcGetNumSupportedArchs")]
    internal static partial int GetNumSupportedArchs(int* numArchs);

    [LibraryImport(Library, EntryPoint = "nvrtcGetSupportedArchs")]
    internal static partial int GetSupportedArchs(int* supportedArchs);

    [LibraryImport(Library, EntryPoint = "nvrtcCreateProgram")]
    internal static partial int CreateProgram(nint* program, byte* source, byte* name, int numHeaders, byte** headers, byte** includeNames);

    [LibraryImport(Library, EntryPoint = "nvrtcCompileProgram")]
    internal static partial int CompileProgram(nint program, int numOptions, byte** options);

    [LibraryImport(Library, EntryPoint = "nvrtcDestroyProgram")]
    internal static partial int DestroyProgram(nint* program);

    [LibraryImport(Library, EntryPoint = "nvrtcGetPTXSize")]
    internal static partial int GetPtxSize(nint program, nuint* size);

    [LibraryImport(Library, EntryPoint = "nvrtcGetPTX")]
    internal static partial int GetPtx(nint program, byte* ptx);

    [LibraryImport(Library, EntryPoint = "nvrtcGetCUBINSize")]
    internal static partial int GetCubinSize(nint program, nuint* size);

    [LibraryImport(Library, EntryPoint = "nvrtcGetCUBIN")]
    internal static partial int GetCubin(nint program, byte* cubin);

    [LibraryImport(Library, EntryPoint = "nvrtcGetProgramLogSize")]
    internal static partial int GetProgramLogSize(nint program, nuint* size);

    [LibraryImport(Library, EntryPoint = "nvrtcGetProgramLog")]
    internal static partial int GetProgramLog(nint program, byte* log);

    [LibraryImport(Library, EntryPoint = "nvrtcAddNameExpression")]
    internal static partial int AddNameExpression(nint program, byte* nameExpression);

    [LibraryImport(Library, EntryPoint = "nvrtcGetLoweredName")]
    internal static partial int GetLoweredName(nint program, byte* nameExpression, byte** loweredName);

    /// <summary>Throws <see cref="NvrtcException"/> unless <paramref name="result"/> is NVRTC_SUCCESS.</summary>
    internal static void Check(int result, string function)
    {
        if (result != NvrtcException.Success)
            throw new NvrtcException(function, result, Marshal.PtrToStringAnsi((nint)GetErrorString(result)) ?? "");
    }
}
