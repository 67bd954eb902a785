using System.Runtime.InteropServices;

namespace CudaCnn.Native;

/// <summary>
/// Names and descriptions of native status codes. The libraries are asked first (they know codes newer than our
/// tables); where a library cannot be asked, the C name comes from our tables and the description stays empty.
/// </summary>
internal static unsafe class NativeErrorText
{
    public static string DriverName(CUresult code) =>
        AskDriver(code, name: true) ?? Enum.GetName(code) ?? $"CUDA_ERROR_{(int)code}";

    public static string DriverDescription(CUresult code) => AskDriver(code, name: false) ?? "";

    public static string CublasName(CublasStatus status) =>
        Ask(() => Cublas.GetStatusName(status)) ?? Enum.GetName(status) ?? $"CUBLAS_STATUS_{(int)status}";

    public static string CublasDescription(CublasStatus status) => Ask(() => Cublas.GetStatusString(status)) ?? "";

    public static string CudnnDescription(int status) => Ask(() => Cudnn.GetErrorString(status)) ?? "";

    /// <summary>cuDNN 9's detailed message for the last failure on this thread; null on cuDNN 8 or when absent.</summary>
    public static string? CudnnLastError()
    {
        const int capacity = 1024;
        byte* buffer = stackalloc byte[capacity];
        buffer[0] = 0;
        string? text = Ask(() =>
        {
            Cudnn.GetLastErrorString(buffer, capacity);
            return (nint)buffer;
        });
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    private static string? AskDriver(CUresult code, bool name) => Ask(() =>
    {
        CUresult result = name ? CudaDriver.GetErrorName(code, out nint text) : CudaDriver.GetErrorString(code, out text);
        return result == CUresult.CUDA_SUCCESS ? text : 0;
    });

    /// <summary>
    /// Calls a native string getter. Best effort by design: this runs while an error is being reported, and a
    /// library that cannot be loaded (or lacks the export) must not replace the original error with its own.
    /// </summary>
    private static string? Ask(Func<nint> getter)
    {
        try
        {
            nint text = getter();
            return text == 0 ? null : Marshal.PtrToStringUTF8(text);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or NativeLibraryNotFoundException)
        {
            return null;
        }
    }
}
