using CudaCnn.Native;

namespace CudaCnn.Runtime;

/// <summary>One native library as found on this machine: where it loaded from and its version, or why not.</summary>
public sealed record NativeLibraryStatus(string Library, NativeLibraryTrace Trace, string? Version, string? Problem)
{
    public bool Loaded => Trace.Succeeded;
    public ProbeAttempt? LoadedFrom => Trace.Loaded;
    public IReadOnlyList<ProbeAttempt> Attempts => Trace.Attempts;
}

/// <summary>
/// What CudaCnn can use here: NVRTC (version, targets), the CUDA driver and its devices, cuBLAS and cuDNN. Built
/// for `cudacnn info`; never throws, every failure becomes a <see cref="NativeLibraryStatus.Problem"/>.
/// </summary>
public sealed record CudaEnvironment(
    NativeLibraryStatus Nvrtc,
    IReadOnlyList<int> NvrtcArchs,
    NativeLibraryStatus Driver,
    CudaProbe DriverProbe,
    IReadOnlyList<DeviceInfo> Devices,
    NativeLibraryStatus Cublas,
    NativeLibraryStatus Cudnn)
{
    public static CudaEnvironment Probe()
    {
        IReadOnlyList<int> archs = [];
        var nvrtc = Status(NativeLibrarySpec.Nvrtc, () =>
        {
            var (major, minor) = NvrtcCompilation.Version();
            archs = NvrtcCompilation.SupportedArchs();
            return $"{major}.{minor}";
        });

        var probe = CudaProbe.Run();
        NativeLibraries.TryLoad(NativeLibrarySpec.CudaDriver, out _, out var driverTrace);
        IReadOnlyList<DeviceInfo> devices = [];
        string? deviceProblem = probe.HasDevice ? null : probe.Summary;
        if (probe.HasDevice)
        {
            try { devices = DeviceQueries.All(probe.DeviceCount); }
            catch (CudaException e) { deviceProblem = e.Message; }
        }
        var driver = new NativeLibraryStatus(NativeLibrarySpec.CudaDriver, driverTrace,
            probe.DriverVersion > 0 ? probe.DriverVersionText : null, deviceProblem);

        var cublas = Status(NativeLibrarySpec.Cublas, CublasVersion);
        var cudnn = Status(NativeLibrarySpec.Cudnn, () => Native.Cudnn.DecodeVersion(Native.Cudnn.GetVersion()).ToString());
        return new CudaEnvironment(nvrtc, archs, driver, probe, devices, cublas, cudnn);
    }

    /// <summary>
    /// cublasGetVersion_v2 takes a handle but (per the cuBLAS sources' behaviour, not a documented promise) does not
    /// use it; creating a real handle would need a device. A refusal is reported, not guessed around.
    /// </summary>
    private static string CublasVersion()
    {
        var status = Native.Cublas.GetVersion(0, out int version);
        if (status != CublasStatus.CUBLAS_STATUS_SUCCESS)
            throw CudaException.FromCublas("cublasGetVersion_v2", status);
        return Native.Cublas.DecodeVersion(version).ToString();
    }

    private static NativeLibraryStatus Status(string library, Func<string> version)
    {
        if (!NativeLibraries.TryLoad(library, out _, out var trace))
        {
            string files = string.Join(", ", CudaProbe.FileNames(trace));
            return new NativeLibraryStatus(library, trace, null, $"not found ({files}; {trace.Attempts.Count} places tried). To install: {trace.InstallHint}");
        }
        try
        {
            return new NativeLibraryStatus(library, trace, version(), null);
        }
        catch (Exception e) when (e is CudaException or NvrtcException or EntryPointNotFoundException)
        {
            return new NativeLibraryStatus(library, trace, null, $"loaded, but its version query failed: {e.Message}");
        }
    }
}
