using CudaCnn.Native;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Runtime;

/// <summary>What opening a CUDA device does on a machine without the NVIDIA driver (skipped where it exists).</summary>
public sealed class CudaGpuWithoutDeviceTests
{
    private static bool DriverLoads => NativeLibraries.TryLoad(NativeLibrarySpec.CudaDriver, out _, out _);

    [Fact]
    public void A_negative_ordinal_is_rejected_before_probing() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CudaGpu.Open(-1));

    [SkippableFact]
    public void Open_without_a_driver_raises_one_exception_naming_libcuda_and_the_attempts()
    {
        Skip.If(DriverLoads, "this machine has a CUDA driver");

        var e = Assert.Throws<GpuUnavailableException>(() => CudaGpu.Open());

        Assert.Equal(GpuUnavailableReason.DriverNotFound, e.Reason);
        string[] lines = e.Message.Split(Environment.NewLine);
        Assert.StartsWith("No CUDA GPU: the NVIDIA driver library (libcuda.so.1) is not installed or not loadable", lines[0]);
        Assert.Contains(lines, line => line.Contains("libcuda.so.1 (system loader): Failed"));
        Assert.Contains("CUDACNN_CUDA_DRIVER_PATH", e.Message);
        Assert.Null(e.Probe.DriverPath);
    }

    [SkippableFact]
    public void The_probe_reports_the_missing_driver_in_one_line()
    {
        Skip.If(DriverLoads, "this machine has a CUDA driver");

        Assert.False(CudaGpu.TryProbe(out string reason));
        Assert.DoesNotContain('\n', reason);
        Assert.Contains("libcuda.so.1", reason);
        Assert.NotNull(GpuRequirement.SkipReason);
        Assert.Contains(reason, GpuRequirement.SkipReason);
    }

    [Fact]
    public void A_missing_driver_is_summarized_from_the_trace_with_every_attempt_in_the_details()
    {
        var trace = new NativeLibraryTrace("cuda",
            [
                new ProbeAttempt(@"C:\drivers\nvcuda.dll", "CUDACNN_CUDA_DRIVER_PATH", ProbeOutcome.Missing, "no such file"),
            ],
            "install the NVIDIA GPU driver");

        var probe = CudaProbe.DriverMissing(trace);

        Assert.False(probe.HasDevice);
        Assert.Equal(GpuUnavailableReason.DriverNotFound, probe.Problem);
        Assert.Equal("No CUDA GPU: the NVIDIA driver library (nvcuda.dll) is not installed or not loadable", probe.Summary);
        Assert.Contains(@"C:\drivers\nvcuda.dll", probe.Details);
        Assert.Contains("CUDACNN_CUDA_DRIVER_PATH", probe.Details);
    }

    [Theory]
    [InlineData(12080, "12.8")]
    [InlineData(13000, "13.0")]
    [InlineData(11020, "11.2")]
    [InlineData(0, "")]
    public void Driver_versions_print_as_major_dot_minor(int version, string text) =>
        Assert.Equal(text, CudaProbe.FormatDriverVersion(version));
}
