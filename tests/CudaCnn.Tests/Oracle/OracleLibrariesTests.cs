using CudaCnn.Native;
using CudaCnn.Oracle;

namespace CudaCnn.Tests.Oracle;

/// <summary>Where cuDNN or cuBLAS is absent, the oracle probe says so in one line that names the files tried and
/// what to install (skipped where the library is installed).</summary>
public sealed class OracleLibrariesTests
{
    private static bool Loads(string library) => NativeLibraries.TryLoad(library, out _, out _);

    [SkippableFact]
    public void Without_cudnn_the_probe_names_the_files_and_the_install_hint()
    {
        Skip.If(Loads(NativeLibrarySpec.Cudnn), "cuDNN is installed here");
        Skip.IfNot(OperatingSystem.IsLinux(), "the file names checked are Linux's");

        Assert.False(OracleLibraries.TryCudnn(out string reason));

        Assert.StartsWith("cuDNN not found: ", reason);
        Assert.Contains("libcudnn.so.9", reason);
        Assert.Contains("libcudnn.so.8", reason);
        Assert.Contains("CUDACNN_CUDNN_PATH", reason);
        Assert.DoesNotContain(Environment.NewLine, reason);
    }

    [SkippableFact]
    public void Without_cublas_the_probe_names_the_files_and_the_install_hint()
    {
        Skip.If(Loads(NativeLibrarySpec.Cublas), "cuBLAS is installed here");
        Skip.IfNot(OperatingSystem.IsLinux(), "the file names checked are Linux's");

        Assert.False(OracleLibraries.TryCublas(out string reason));

        Assert.StartsWith("cuBLAS not found: ", reason);
        Assert.Contains("libcublas.so.12", reason);
        Assert.Contains("CUDACNN_CUBLAS_PATH", reason);
    }

    [SkippableFact]
    public void With_cudnn_the_probe_reports_its_decoded_version()
    {
        Skip.IfNot(Loads(NativeLibrarySpec.Cudnn), "cuDNN is not installed here");
        Assert.True(OracleLibraries.TryCudnn(out string reason), reason);
        Assert.Matches(@"^cuDNN [89]\.\d+\.\d+ from ", reason);
    }
}
