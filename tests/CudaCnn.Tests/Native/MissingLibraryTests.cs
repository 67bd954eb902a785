using CudaCnn.Native;

namespace CudaCnn.Tests.Native;

/// <summary>
/// Calling a binding whose library is absent raises the resolver's not-found exception, listing what was tried
/// and what to install (skipped where the library is installed).
/// </summary>
public sealed class MissingLibraryTests
{
    private static bool Loads(string library) => NativeLibraries.TryLoad(library, out _, out _);

    [SkippableFact]
    public void Calling_cublas_without_it_names_the_files_and_the_install_hint()
    {
        Skip.If(Loads(NativeLibrarySpec.Cublas), "cuBLAS is installed here");
        Skip.IfNot(OperatingSystem.IsLinux(), "the file names checked are Linux's");

        var e = Assert.Throws<NativeLibraryNotFoundException>(() => Cublas.Create(out _));

        Assert.Contains("libcublas.so.12", e.Message);
        Assert.Contains("CUDACNN_CUBLAS_PATH", e.Message);
    }

    [SkippableFact]
    public void Calling_cudnn_without_it_names_the_files_and_the_install_hint()
    {
        Skip.If(Loads(NativeLibrarySpec.Cudnn), "cuDNN is installed here");
        Skip.IfNot(OperatingSystem.IsLinux(), "the file names checked are Linux's");

        var e = Assert.Throws<NativeLibraryNotFoundException>(() => Cudnn.GetVersion());

        Assert.Contains("libcudnn.so.9", e.Message);
        Assert.Contains("libcudnn.so.8", e.Message);
        Assert.Contains("CUDACNN_CUDNN_PATH", e.Message);
    }

    [SkippableFact]
    public void Calling_the_driver_without_it_names_libcuda()
    {
        Skip.If(Loads(NativeLibrarySpec.CudaDriver), "the CUDA driver is installed here");
        Skip.IfNot(OperatingSystem.IsLinux(), "the file names checked are Linux's");

        var e = Assert.Throws<NativeLibraryNotFoundException>(() => CudaDriver.Init(0));

        Assert.Contains("libcuda.so.1", e.Message);
    }
}
