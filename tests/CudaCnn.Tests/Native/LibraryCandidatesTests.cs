using CudaCnn.Native;

namespace CudaCnn.Tests.Native;

public class LibraryCandidatesTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] pairs) =>
        key => pairs.FirstOrDefault(p => p.Key == key).Value;

    private static string[] Paths(string library, NativePlatform platform, Func<string, string?> env, params string[] sites) =>
        [.. LibraryCandidates.Build(NativeLibrarySpec.Get(library), platform, env, sites).Select(c => c.Path)];

    [Fact]
    public void Nvrtc_on_linux_without_hints_asks_the_system_loader_newest_first()
    {
        Assert.Equal(
            ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so.11.1", "libnvrtc.so.11.0"],
            Paths("nvrtc", NativePlatform.Linux, Env()));
    }

    [Fact]
    public void Cuda_path_then_pip_then_system_loader_on_linux()
    {
        var paths = Paths("nvrtc", NativePlatform.Linux, Env(("CUDA_PATH", "/opt/cuda")), "/venv/site");
        Assert.Equal("/opt/cuda/lib64/libnvrtc.so.13", paths[0]);
        Assert.Equal("/opt/cuda/lib64/libnvrtc.so.12", paths[1]);
        Assert.Equal("/opt/cuda/lib/libnvrtc.so.13", paths[5]);
        Assert.Equal("/venv/site/nvidia/cu13/lib/libnvrtc.so.13", paths[10]);
        Assert.Equal("/venv/site/nvidia/cuda_nvrtc/lib/libnvrtc.so.12", paths[16]);
        Assert.Equal("libnvrtc.so.13", paths[20]);
        Assert.Equal(25, paths.Length);
    }

    [Fact]
    public void Windows_uses_dll_names_bin_folders_and_backslashes()
    {
        var paths = Paths("nvrtc", NativePlatform.Windows, Env(("CUDA_PATH", @"C:\CUDA\v12.6")), @"C:\py\Lib\site-packages");
        Assert.Equal(@"C:\CUDA\v12.6\bin\x64\nvrtc64_130_0.dll", paths[0]);
        Assert.Equal(@"C:\CUDA\v12.6\bin\nvrtc64_120_0.dll", paths[6]);
        Assert.Equal(@"C:\py\Lib\site-packages\nvidia\cu13\bin\x86_64\nvrtc64_130_0.dll", paths[10]);
        Assert.Equal(@"C:\py\Lib\site-packages\nvidia\cuda_nvrtc\bin\nvrtc64_112_0.dll", paths[17]);
        Assert.Equal("nvrtc64_110_0.dll", paths[^1]);
    }

    [Theory]
    [InlineData("nvrtc", "CUDACNN_NVRTC_PATH")]
    [InlineData("cuda", "CUDACNN_CUDA_DRIVER_PATH")]
    [InlineData("cublas", "CUDACNN_CUBLAS_PATH")]
    [InlineData("cudnn", "CUDACNN_CUDNN_PATH")]
    public void Override_variable_is_the_only_candidate(string library, string variable)
    {
        var env = Env((variable, "/custom/lib.so"), ("CUDA_PATH", "/opt/cuda"));
        var candidates = LibraryCandidates.Build(NativeLibrarySpec.Get(library), NativePlatform.Linux, env, ["/site"]);
        var only = Assert.Single(candidates);
        Assert.Equal("/custom/lib.so", only.Path);
        Assert.True(only.IsOverride);
        Assert.Equal(variable, only.Origin);
    }

    [Fact]
    public void Driver_never_comes_from_cuda_path_or_pip()
    {
        Assert.Equal(["libcuda.so.1"], Paths("cuda", NativePlatform.Linux, Env(("CUDA_PATH", "/opt/cuda")), "/site"));
        Assert.Equal(["nvcuda.dll"], Paths("cuda", NativePlatform.Windows, Env(("CUDA_PATH", @"C:\CUDA")), @"C:\site"));
    }

    [Fact]
    public void Cublas_preloads_cublasLt_of_the_same_major_from_the_same_folder()
    {
        var first = LibraryCandidates.Build(NativeLibrarySpec.Get("cublas"), NativePlatform.Linux, Env(), ["/site"])[0];
        Assert.Equal("/site/nvidia/cu13/lib/libcublas.so.13", first.Path);
        Assert.Equal(["/site/nvidia/cu13/lib/libcublasLt.so.13"], first.Dependencies);
    }

    [Fact]
    public void Cudnn_prefers_9_over_8_and_uses_the_cudnn_wheel_folder()
    {
        Assert.Equal(
            ["/site/nvidia/cudnn/lib/libcudnn.so.9", "/site/nvidia/cudnn/lib/libcudnn.so.8", "libcudnn.so.9", "libcudnn.so.8"],
            Paths("cudnn", NativePlatform.Linux, Env(), "/site"));
    }

    [Fact]
    public void Site_packages_variable_replaces_the_search()
    {
        var env = Env(("CUDACNN_PYTHON_SITE_PACKAGES", "/a/site:/b/site"));
        Assert.Equal(["/a/site", "/b/site"], SitePackages.Discover(NativePlatform.Linux, env));
        var windows = Env(("CUDACNN_PYTHON_SITE_PACKAGES", @"C:\a;D:\b"));
        Assert.Equal([@"C:\a", @"D:\b"], SitePackages.Discover(NativePlatform.Windows, windows));
    }
}
