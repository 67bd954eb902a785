using CudaCnn.Native;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Native;

public sealed class NativeLibrariesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cudacnn-site-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [NvrtcFact]
    public void TryLoad_reports_where_nvrtc_was_found()
    {
        Assert.True(NativeLibraries.TryLoad("nvrtc", out nint handle, out var trace));
        Assert.NotEqual(0, handle);
        Assert.True(trace.Succeeded);
        Assert.Same(trace.Attempts[^1], trace.Loaded);
        Assert.Contains("nvrtc", trace.Loaded!.Path);
        if (OperatingSystem.IsLinux() && trace.Loaded.Origin == "system loader")
            Assert.StartsWith("found at /", trace.Loaded.Detail);
    }

    [Fact]
    public void Unknown_names_are_rejected_with_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => NativeLibraries.TryLoad("cufft", out _, out _));
        Assert.Contains("nvrtc, cuda, cublas, cudnn", error.Message);
    }

    [Fact]
    public void Site_packages_with_nvidia_wheels_are_found_under_a_virtualenv()
    {
        string withWheels = Path.Combine(_root, "lib", "python3.11", "site-packages");
        string withoutWheels = Path.Combine(_root, "lib", "python3.12", "site-packages");
        Directory.CreateDirectory(Path.Combine(withWheels, "nvidia"));
        Directory.CreateDirectory(withoutWheels);

        var found = SitePackages.Discover(NativePlatform.Linux, key => key == "VIRTUAL_ENV" ? _root : null);

        Assert.Contains(withWheels, found);
        Assert.DoesNotContain(withoutWheels, found);
    }
}
