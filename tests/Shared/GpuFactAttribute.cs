using CudaCnn.Runtime;

namespace CudaCnn.Tests.Shared;

/// <summary>
/// Whether tests that need a real CUDA device run. Without one they are skipped with the probe's one-line reason,
/// unless CUDACNN_REQUIRE_GPU=1 (set it on GPU runners): then they run, and fail on the exception that says why
/// the device could not be opened.
/// </summary>
public static class GpuRequirement
{
    public const string RequireVariable = "CUDACNN_REQUIRE_GPU";

    private static readonly Lazy<string?> Reason = new(ComputeSkipReason);

    /// <summary>Null when the test should run; otherwise why it is skipped.</summary>
    public static string? SkipReason => Reason.Value;

    private static string? ComputeSkipReason()
    {
        if (Environment.GetEnvironmentVariable(RequireVariable) == "1") return null;
        return CudaGpu.TryProbe(out string reason) ? null : $"{reason} (set {RequireVariable}=1 to fail instead)";
    }
}

/// <summary>A fact that needs a CUDA GPU: skipped with the probe's reason when there is none.</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    public GpuFactAttribute() => Skip = GpuRequirement.SkipReason;
}

/// <summary>A theory that needs a CUDA GPU: skipped with the probe's reason when there is none.</summary>
public sealed class GpuTheoryAttribute : TheoryAttribute
{
    public GpuTheoryAttribute() => Skip = GpuRequirement.SkipReason;
}
