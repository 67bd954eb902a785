using CudaCnn.Native;

namespace CudaCnn.Tests.Shared;

/// <summary>
/// Whether tests that need NVRTC run. Without NVRTC they are skipped with the resolver's attempt list as the
/// reason, unless CUDACNN_REQUIRE_NVRTC=1 (CI): then they run, and fail on the library-not-found exception.
/// </summary>
public static class NvrtcRequirement
{
    public const string RequireVariable = "CUDACNN_REQUIRE_NVRTC";

    private static readonly Lazy<string?> Reason = new(ComputeSkipReason);

    /// <summary>Null when the test should run; otherwise why it is skipped.</summary>
    public static string? SkipReason => Reason.Value;

    private static string? ComputeSkipReason()
    {
        if (Environment.GetEnvironmentVariable(RequireVariable) == "1") return null;
        if (NativeLibraries.TryLoad("nvrtc", out _, out var trace)) return null;
        return $"NVRTC is not available (set {RequireVariable}=1 to fail instead). " +
               new NativeLibraryNotFoundException(trace).Message;
    }
}

/// <summary>A fact that needs NVRTC: skipped with a reason when it is missing (failing instead in CI).</summary>
public sealed class NvrtcFactAttribute : FactAttribute
{
    public NvrtcFactAttribute() => Skip = NvrtcRequirement.SkipReason;
}

/// <summary>A theory that needs NVRTC: skipped with a reason when it is missing (failing instead in CI).</summary>
public sealed class NvrtcTheoryAttribute : TheoryAttribute
{
    public NvrtcTheoryAttribute() => Skip = NvrtcRequirement.SkipReason;
}
