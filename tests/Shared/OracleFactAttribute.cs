using CudaCnn.Oracle;

namespace CudaCnn.Tests.Shared;

/// <summary>
/// Whether tests that compare with cuDNN or cuBLAS run: they need a CUDA device (see <see cref="GpuRequirement"/>)
/// and the library. Where the device is there but the library is not, they are skipped with the library's
/// not-found reason, unless CUDACNN_REQUIRE_ORACLES=1 (set it on runners that have cuDNN and cuBLAS): then they
/// run and fail on the not-found exception.
/// </summary>
public static class OracleRequirement
{
    public const string RequireVariable = "CUDACNN_REQUIRE_ORACLES";

    private static readonly Lazy<string?> Cudnn = new(() => Reason(OracleLibraries.TryCudnn));
    private static readonly Lazy<string?> Cublas = new(() => Reason(OracleLibraries.TryCublas));

    public static string? CudnnSkipReason => GpuRequirement.SkipReason ?? Cudnn.Value;
    public static string? CublasSkipReason => GpuRequirement.SkipReason ?? Cublas.Value;

    private delegate bool Probe(out string reason);

    private static string? Reason(Probe probe)
    {
        if (Environment.GetEnvironmentVariable(RequireVariable) == "1") return null;
        return probe(out string reason) ? null : $"{reason} (set {RequireVariable}=1 to fail instead)";
    }
}

/// <summary>A fact that needs a CUDA GPU and cuDNN.</summary>
public sealed class CudnnFactAttribute : FactAttribute
{
    public CudnnFactAttribute() => Skip = OracleRequirement.CudnnSkipReason;
}

/// <summary>A theory that needs a CUDA GPU and cuDNN.</summary>
public sealed class CudnnTheoryAttribute : TheoryAttribute
{
    public CudnnTheoryAttribute() => Skip = OracleRequirement.CudnnSkipReason;
}

/// <summary>A theory that needs a CUDA GPU and cuBLAS.</summary>
public sealed class CublasTheoryAttribute : TheoryAttribute
{
    public CublasTheoryAttribute() => Skip = OracleRequirement.CublasSkipReason;
}
