using CudaCnn.Native;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Runtime;

/// <summary>The report behind `cudacnn info`: it never throws and says, per library, what it found or why not.</summary>
public sealed class CudaEnvironmentTests
{
    private static readonly Lazy<CudaEnvironment> Environment = new(CudaEnvironment.Probe);

    [NvrtcFact]
    public void NVRTC_is_reported_with_its_version_and_targets()
    {
        var nvrtc = Environment.Value.Nvrtc;
        Assert.True(nvrtc.Loaded, nvrtc.Problem);
        Assert.Matches(@"^\d+\.\d+$", nvrtc.Version);
        Assert.Contains(80, Environment.Value.NvrtcArchs);
        Assert.Equal(ProbeOutcome.Loaded, nvrtc.Attempts[^1].Outcome);
    }

    [Fact]
    public void Every_library_is_either_loaded_or_explained()
    {
        var env = Environment.Value;
        foreach (var status in new[] { env.Nvrtc, env.Driver, env.Cublas, env.Cudnn })
        {
            Assert.NotEmpty(status.Attempts);
            if (!status.Loaded) Assert.False(string.IsNullOrWhiteSpace(status.Problem), $"{status.Library} is missing without a reason");
        }
    }

    [Fact]
    public void Devices_are_listed_exactly_when_the_probe_finds_them()
    {
        var env = Environment.Value;
        Assert.Equal(env.DriverProbe.HasDevice ? env.DriverProbe.DeviceCount : 0, env.Devices.Count);
        if (!env.DriverProbe.HasDevice) Assert.Equal(env.DriverProbe.Summary, env.Driver.Problem);
    }

    [SkippableFact]
    public void A_missing_cublas_names_the_files_tried_and_how_to_install_it()
    {
        var cublas = Environment.Value.Cublas;
        Skip.If(cublas.Loaded, "cuBLAS is installed here");
        Skip.IfNot(OperatingSystem.IsLinux(), "the file names checked are Linux's");
        Assert.StartsWith("not found (libcublas.so.13, libcublas.so.12, libcublas.so.11;", cublas.Problem);
        Assert.Contains("CUDACNN_CUBLAS_PATH", cublas.Problem);
    }
}
