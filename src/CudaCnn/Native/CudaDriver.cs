using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CudaCnn.Native;

/// <summary>
/// The CUDA driver API subset CudaCnn uses (native-abi.md §1.3). Every entry point names the exact versioned
/// export (cuMemAlloc_v2, never the 32-bit legacy cuMemAlloc); the table in native-abi-table.tsv is checked against
/// these declarations by a test. Blittable only: handles are nint, CUdeviceptr is ulong, size_t is nuint.
/// </summary>
internal static unsafe partial class CudaDriver
{
    /// <summary>Logical name; the resolver maps it to libcuda.so.1 / nvcuda.dll.</summary>
    internal const string Library = NativeLibrarySpec.CudaDriver;

    [LibraryImport(Library, EntryPoint = "cuInit")]
    internal static partial CUresult Init(uint flags);

    [LibraryImport(Library, EntryPoint = "cuDriverGetVersion")]
    internal static partial CUresult DriverGetVersion(out int driverVersion);

    [LibraryImport(Library, EntryPoint = "cuDeviceGetCount")]
    internal static partial CUresult DeviceGetCount(out int count);

    [LibraryImport(Library, EntryPoint = "cuDeviceGet")]
    internal static partial CUresult DeviceGet(out int device, int ordinal);

    [LibraryImport(Library, EntryPoint = "cuDeviceGetName")]
    internal static partial CUresult DeviceGetName(byte* name, int length, int device);

    [LibraryImport(Library, EntryPoint = "cuDeviceGetAttribute")]
    internal static partial CUresult DeviceGetAttribute(out int value, CUdevice_attribute attribute, int device);

    [LibraryImport(Library, EntryPoint = "cuDeviceTotalMem_v2")]
    internal static partial CUresult DeviceTotalMem(out nuint bytes, int device);

    [LibraryImport(Library, EntryPoint = "cuDevicePrimaryCtxRetain")]
    internal static partial CUresult DevicePrimaryCtxRetain(out nint context, int device);

    [LibraryImport(Library, EntryPoint = "cuDevicePrimaryCtxRelease_v2")]
    internal static partial CUresult DevicePrimaryCtxRelease(int device);

    [LibraryImport(Library, EntryPoint = "cuCtxSetCurrent")]
    internal static partial CUresult CtxSetCurrent(nint context);

    [LibraryImport(Library, EntryPoint = "cuCtxGetCurrent")]
    internal static partial CUresult CtxGetCurrent(out nint context);

    [LibraryImport(Library, EntryPoint = "cuMemGetInfo_v2")]
    internal static partial CUresult MemGetInfo(out nuint free, out nuint total);

    [LibraryImport(Library, EntryPoint = "cuModuleLoadDataEx")]
    internal static partial CUresult ModuleLoadDataEx(out nint module, void* image, uint numOptions, CUjit_option* options, void** optionValues);

    [LibraryImport(Library, EntryPoint = "cuModuleUnload")]
    internal static partial CUresult ModuleUnload(nint module);

    [LibraryImport(Library, EntryPoint = "cuModuleGetFunction")]
    internal static partial CUresult ModuleGetFunction(out nint function, nint module, byte* name);

    [LibraryImport(Library, EntryPoint = "cuFuncGetAttribute")]
    internal static partial CUresult FuncGetAttribute(out int value, CUfunction_attribute attribute, nint function);

    [LibraryImport(Library, EntryPoint = "cuLaunchKernel")]
    internal static partial CUresult LaunchKernel(
        nint function,
        uint gridDimX, uint gridDimY, uint gridDimZ,
        uint blockDimX, uint blockDimY, uint blockDimZ,
        uint sharedMemBytes, nint stream, void** kernelParams, void** extra);

    [LibraryImport(Library, EntryPoint = "cuMemAlloc_v2")]
    internal static partial CUresult MemAlloc(out ulong devicePtr, nuint bytes);

    [LibraryImport(Library, EntryPoint = "cuMemFree_v2")]
    internal static partial CUresult MemFree(ulong devicePtr);

    [LibraryImport(Library, EntryPoint = "cuMemcpyHtoDAsync_v2")]
    internal static partial CUresult MemcpyHtoDAsync(ulong dstDevice, void* srcHost, nuint bytes, nint stream);

    [LibraryImport(Library, EntryPoint = "cuMemcpyDtoHAsync_v2")]
    internal static partial CUresult MemcpyDtoHAsync(void* dstHost, ulong srcDevice, nuint bytes, nint stream);

    [LibraryImport(Library, EntryPoint = "cuMemcpyDtoDAsync_v2")]
    internal static partial CUresult MemcpyDtoDAsync(ulong dstDevice, ulong srcDevice, nuint bytes, nint stream);

    /// <summary>Async memset has no _v2 suffix (the synchronous one does); count is in 32-bit elements.</summary>
    [LibraryImport(Library, EntryPoint = "cuMemsetD32Async")]
    internal static partial CUresult MemsetD32Async(ulong dstDevice, uint value, nuint count, nint stream);

    [LibraryImport(Library, EntryPoint = "cuStreamCreate")]
    internal static partial CUresult StreamCreate(out nint stream, uint flags);

    [LibraryImport(Library, EntryPoint = "cuStreamDestroy_v2")]
    internal static partial CUresult StreamDestroy(nint stream);

    [LibraryImport(Library, EntryPoint = "cuStreamSynchronize")]
    internal static partial CUresult StreamSynchronize(nint stream);

    [LibraryImport(Library, EntryPoint = "cuEventCreate")]
    internal static partial CUresult EventCreate(out nint evt, uint flags);

    [LibraryImport(Library, EntryPoint = "cuEventRecord")]
    internal static partial CUresult EventRecord(nint evt, nint stream);

    [LibraryImport(Library, EntryPoint = "cuEventSynchronize")]
    internal static partial CUresult EventSynchronize(nint evt);

    /// <summary>The v1 export: every driver has it; cuEventElapsedTime_v2 exists only from 12.8 drivers on.</summary>
    [LibraryImport(Library, EntryPoint = "cuEventElapsedTime")]
    internal static partial CUresult EventElapsedTime(out float milliseconds, nint start, nint end);

    [LibraryImport(Library, EntryPoint = "cuEventDestroy_v2")]
    internal static partial CUresult EventDestroy(nint evt);

    /// <summary>Sets *name to a static string, or leaves it null (and fails) for an unknown code.</summary>
    [LibraryImport(Library, EntryPoint = "cuGetErrorName")]
    internal static partial CUresult GetErrorName(CUresult error, out nint name);

    [LibraryImport(Library, EntryPoint = "cuGetErrorString")]
    internal static partial CUresult GetErrorString(CUresult error, out nint text);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Check(CUresult result, string function)
    {
        if (result != CUresult.CUDA_SUCCESS) throw CudaException.FromDriver(function, result);
    }
}

/// <summary>Flags and special values used with the driver API (native-abi.md §1.6).</summary>
internal static class CudaFlags
{
    public const uint StreamNonBlocking = 0x1;
    public const uint EventDefault = 0x0;
}
