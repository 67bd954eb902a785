namespace CudaCnn.Oracle;

/// <summary>Every oracle check: ours against cuDNN/cuBLAS and the CPU reference. <see cref="Quick"/> leaves out the
/// benchmark-layer convolutions, whose CPU reference takes seconds each (the CLI runs the quick set).</summary>
public static class OracleCheckCatalog
{
    public static IReadOnlyList<OracleCheck> All { get; } =
    [
        .. ConvOracleChecks.Cases(), .. PoolingLrnActivationOracleChecks.Cases(), .. NormalizationOracleChecks.Cases(), .. GemmOracleChecks.Cases(),
    ];

    public static IReadOnlyList<OracleCheck> Quick { get; } = [.. All.Where(c => !c.Large)];

    /// <summary>A check by its <see cref="OracleCheck.ToString"/> name (unique).</summary>
    public static OracleCheck Get(string name) =>
        All.FirstOrDefault(c => c.ToString() == name) ?? throw new ArgumentException($"no oracle check named '{name}'", nameof(name));
}
