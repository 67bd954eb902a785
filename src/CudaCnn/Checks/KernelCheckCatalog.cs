namespace CudaCnn.Checks;

/// <summary>Every kernel check, grouped by op family. A family adds its cases here.</summary>
public static class KernelCheckCatalog
{
    public static IReadOnlyList<KernelCheck> All { get; } =
    [
        .. ElementwiseChecks.Cases(), .. GemmChecks.Cases(), .. ConvolutionChecks.Cases(), .. PoolingChecks.Cases(), .. ActivationChecks.Cases(), .. LrnDropoutChecks.Cases(),
        .. NormalizationChecks.Cases(), .. UpdateAndDataChecks.Cases(),
    ];

    public static IReadOnlyList<string> Ops { get; } = [.. All.Select(c => c.Op).Distinct()];

    /// <summary>The checks of one op family, or all of them when <paramref name="op"/> is null.</summary>
    public static IReadOnlyList<KernelCheck> For(string? op)
    {
        if (op is null) return All;
        var selected = All.Where(c => string.Equals(c.Op, op, StringComparison.OrdinalIgnoreCase)).ToList();
        return selected.Count > 0
            ? selected
            : throw new ArgumentException($"unknown op '{op}'; expected one of: {string.Join(", ", Ops)}", nameof(op));
    }
}
