using CudaCnn.Native;

namespace CudaCnn.Oracle;

/// <summary>
/// Whether cuDNN and cuBLAS can be used here, with a one-line reason either way. Loading a library is not enough
/// for a device test: the oracles also need a CUDA device, which <see cref="Runtime.CudaGpu.TryProbe"/> answers.
/// </summary>
public static class OracleLibraries
{
    /// <summary>True when libcudnn loads and answers cudnnGetVersion; <paramref name="reason"/> names the version
    /// or the files tried and what to install.</summary>
    public static bool TryCudnn(out string reason) =>
        TryLoad(NativeLibrarySpec.Cudnn, "cuDNN", () => Cudnn.DecodeVersion(Cudnn.GetVersion()), out reason);

    /// <summary>True when libcublas loads and answers cublasGetVersion_v2 (which does not use its handle).</summary>
    public static bool TryCublas(out string reason) =>
        TryLoad(NativeLibrarySpec.Cublas, "cuBLAS", CublasVersion, out reason);

    private static Version CublasVersion()
    {
        Cublas.Check(Cublas.GetVersion(0, out int version), "cublasGetVersion_v2");
        return Cublas.DecodeVersion(version);
    }

    private static bool TryLoad(string library, string display, Func<Version> version, out string reason)
    {
        if (!NativeLibraries.TryLoad(library, out _, out var trace))
        {
            reason = $"{display} not found: {NativeLibraryNotFoundException.Describe(trace).ReplaceLineEndings("; ")}";
            return false;
        }
        try
        {
            reason = $"{display} {version()} from {trace.Loaded!.Path}";
            return true;
        }
        catch (Exception e) when (e is CudaException or EntryPointNotFoundException)
        {
            reason = $"{display} loaded from {trace.Loaded!.Path}, but its version query failed: {e.Message}";
            return false;
        }
    }
}
