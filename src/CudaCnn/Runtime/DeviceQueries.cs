using System.Runtime.InteropServices;
using CudaCnn.Native;

namespace CudaCnn.Runtime;

/// <summary>Reads a device's facts through the driver API (no context needed).</summary>
internal static unsafe class DeviceQueries
{
    public static (DeviceInfo Info, LaunchLimits Limits) Read(int device)
    {
        var info = new DeviceInfo(
            Name(device),
            CudaGpu.BackendName,
            Attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
            Attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
            Attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
            TotalMemory(device),
            Attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK),
            Attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK),
            Attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_WARP_SIZE));
        var limits = new LaunchLimits(
            new Dim3(
                (uint)Attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X),
                (uint)Attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y),
                (uint)Attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z)),
            new Dim3(
                (uint)Attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X),
                (uint)Attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y),
                (uint)Attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z)));
        return (info, limits);
    }

    /// <summary>Facts of every device, for reports; needs an initialized driver (see <see cref="CudaProbe"/>).</summary>
    public static IReadOnlyList<DeviceInfo> All(int count)
    {
        var devices = new DeviceInfo[count];
        for (int ordinal = 0; ordinal < count; ordinal++)
        {
            CudaDriver.Check(CudaDriver.DeviceGet(out int device, ordinal), "cuDeviceGet");
            devices[ordinal] = Read(device).Info;
        }
        return devices;
    }

    private static int Attribute(int device, CUdevice_attribute attribute)
    {
        CudaDriver.Check(CudaDriver.DeviceGetAttribute(out int value, attribute, device), "cuDeviceGetAttribute");
        return value;
    }

    private static long TotalMemory(int device)
    {
        CudaDriver.Check(CudaDriver.DeviceTotalMem(out nuint bytes, device), "cuDeviceTotalMem_v2");
        return (long)bytes;
    }

    private static string Name(int device)
    {
        const int capacity = 256;
        byte* buffer = stackalloc byte[capacity];
        CudaDriver.Check(CudaDriver.DeviceGetName(buffer, capacity, device), "cuDeviceGetName");
        return Marshal.PtrToStringUTF8((nint)buffer) ?? "";
    }
}
