using CudaCnn.Native;

namespace CudaCnn.Runtime;

/// <summary>Why no CUDA device can be opened.</summary>
public enum GpuUnavailableReason
{
    /// <summary>No loadable CUDA driver library (libcuda.so.1 / nvcuda.dll), or only the toolkit's stub.</summary>
    DriverNotFound,
    /// <summary>The driver is older than the API set CudaCnn binds.</summary>
    DriverTooOld,
    /// <summary>The driver loaded but cuInit (or another query) failed.</summary>
    DriverFailed,
    /// <summary>The driver works but reports no CUDA device.</summary>
    NoDevice,
}

/// <summary>
/// What the machine offers for <see cref="CudaGpu"/>: whether a device can be opened and, if not, why in one
/// line (<see cref="Summary"/>) with the evidence under it (<see cref="Details"/>, e.g. every library path tried).
/// Probing never throws.
/// </summary>
public sealed record CudaProbe(
    GpuUnavailableReason? Problem,
    string Summary,
    string Details,
    string? DriverPath,
    int DriverVersion,
    int DeviceCount)
{
    /// <summary>
    /// Every export bound in CudaDriver exists from CUDA 11.0 on (cuDevicePrimaryCtxRelease_v2 is the newest);
    /// value format 1000×major + 10×minor.
    /// </summary>
    public const int MinimumDriverVersion = 11000;

    public bool HasDevice => Problem is null;

    /// <summary>"12.8" for 12080; "" when unknown.</summary>
    public string DriverVersionText => FormatDriverVersion(DriverVersion);

    public static string FormatDriverVersion(int version) =>
        version <= 0 ? "" : $"{version / 1000}.{version % 1000 / 10}";

    /// <summary>Loads the driver, reads its version, initializes it and counts devices.</summary>
    public static CudaProbe Run()
    {
        if (!NativeLibraries.TryLoad(NativeLibrarySpec.CudaDriver, out _, out var trace))
            return DriverMissing(trace);
        string path = trace.Loaded!.Path;
        int version = 0;
        try
        {
            // cuDriverGetVersion needs no cuInit, so the version is known even when initialization fails.
            // The toolkit's stub library fails every call with CUDA_ERROR_STUB_LIBRARY.
            string function = "cuDriverGetVersion";
            CUresult init = CudaDriver.DriverGetVersion(out version);
            if (init == CUresult.CUDA_SUCCESS)
            {
                function = "cuInit";
                init = CudaDriver.Init(0);
            }
            if (init == CUresult.CUDA_ERROR_STUB_LIBRARY)
                return Failed(GpuUnavailableReason.DriverNotFound, path, 0, $"No CUDA GPU: {path} is the CUDA toolkit's stub library, not an NVIDIA driver", function, init);
            string driver = version > 0 ? $"the CUDA driver {FormatDriverVersion(version)} ({path})" : $"the CUDA driver ({path})";
            if (init == CUresult.CUDA_ERROR_NO_DEVICE)
                return Failed(GpuUnavailableReason.NoDevice, path, version, $"No CUDA GPU: {driver} reports no CUDA device", function, init);
            if (init != CUresult.CUDA_SUCCESS)
                return Failed(GpuUnavailableReason.DriverFailed, path, version, $"No CUDA GPU: {driver} failed to initialize", function, init);
            if (version < MinimumDriverVersion)
                return new CudaProbe(GpuUnavailableReason.DriverTooOld,
                    $"No CUDA GPU: the CUDA driver at {path} supports CUDA {FormatDriverVersion(version)}; CudaCnn needs {FormatDriverVersion(MinimumDriverVersion)} or newer",
                    "Update the NVIDIA driver.", path, version, 0);

            CudaDriver.Check(CudaDriver.DeviceGetCount(out int count), "cuDeviceGetCount");
            if (count == 0)
                return new CudaProbe(GpuUnavailableReason.NoDevice, $"No CUDA GPU: {driver} reports 0 devices", "", path, version, 0);
            return new CudaProbe(null, $"CUDA driver {FormatDriverVersion(version)} ({path}), {count} device{(count == 1 ? "" : "s")}", "", path, version, count);
        }
        catch (Exception e) when (e is CudaException or EntryPointNotFoundException)
        {
            return new CudaProbe(GpuUnavailableReason.DriverFailed, $"No CUDA GPU: the CUDA driver at {path} is not usable", e.Message, path, version, 0);
        }
    }

    internal static CudaProbe DriverMissing(NativeLibraryTrace trace)
    {
        string names = string.Join(" / ", FileNames(trace));
        return new CudaProbe(GpuUnavailableReason.DriverNotFound,
            $"No CUDA GPU: the NVIDIA driver library ({names}) is not installed or not loadable",
            new NativeLibraryNotFoundException(trace).Message, null, 0, 0);
    }

    /// <summary>The distinct file names a probe tried, in order (paths of either OS reduced to the name).</summary>
    internal static IEnumerable<string> FileNames(NativeLibraryTrace trace) =>
        trace.Attempts.Select(a => a.Path.Split('/', '\\')[^1]).Distinct();

    private static CudaProbe Failed(GpuUnavailableReason reason, string path, int version, string summary, string function, CUresult code) =>
        new(reason, summary, CudaException.FromDriver(function, code).Message, path, version, 0);
}

/// <summary>Opening a <see cref="CudaGpu"/> failed because the machine has no usable CUDA device.</summary>
public sealed class GpuUnavailableException(CudaProbe probe)
    : Exception(probe.Details.Length > 0 ? probe.Summary + "." + Environment.NewLine + probe.Details : probe.Summary + ".")
{
    public CudaProbe Probe { get; } = probe;
    public GpuUnavailableReason Reason => Probe.Problem ?? throw new InvalidOperationException("the probe found a device");
}
