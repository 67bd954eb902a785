using System.Text;
using CudaCnn.Reference;

namespace CudaCnn.Oracle;

/// <summary>Which library a check holds ours against.</summary>
public enum OracleLibrary
{
    Cudnn,
    Cublas,
}

/// <summary>
/// One op, direction and shape computed three ways: by our kernels on the CUDA device, by cuDNN or cuBLAS, and by the
/// CPU reference. <see cref="Large"/> marks the benchmark-layer shapes, whose CPU reference takes seconds.
/// </summary>
public sealed record OracleCheck(string Op, string Case, string Shape, OracleLibrary Library, bool Large, Func<OracleContext, OracleOutcome> Run)
{
    public override string ToString() => $"{Op} {Case} {Shape}";
}

/// <summary>One output tensor three ways. <see cref="Ours"/> is null where we have no kernel for it (softmax backward
/// alone, for instance), <see cref="Between"/> then too.</summary>
public sealed record OracleComparison(string Tensor, ComparisonResult? Ours, ComparisonResult Theirs, ComparisonResult? Between)
{
    public bool Passed => Ours?.Passed != false && Theirs.Passed && Between?.Passed != false;

    /// <summary>Which side is wrong, judged by the reference.</summary>
    public string Verdict => (Ours?.Passed != false, Theirs.Passed) switch
    {
        (true, true) when Between?.Passed == false => $"{Tensor}: each is within tolerance of the reference, but not of each other",
        (true, true) => $"{Tensor}: agree",
        (false, true) => $"{Tensor}: OURS is wrong (the library agrees with the reference)",
        (true, false) => $"{Tensor}: the LIBRARY disagrees with the reference (ours agrees): its tolerance or its semantics differ",
        (false, false) => $"{Tensor}: BOTH disagree with the reference: suspect the reference or the test's setup",
    };
}

/// <summary>Everything one check compared.</summary>
public sealed record OracleOutcome(IReadOnlyList<OracleComparison> Comparisons, string? Algorithm = null)
{
    public bool Passed => Comparisons.All(c => c.Passed);

    /// <summary>The worst errors of ours and theirs against the reference (max over tensors).</summary>
    public double OursMaxAbsError => Comparisons.Max(c => c.Ours?.MaxAbsError ?? 0);
    public double TheirsMaxAbsError => Comparisons.Max(c => c.Theirs.MaxAbsError);

    public string Describe()
    {
        var text = new StringBuilder();
        if (Algorithm is not null) text.Append($"library algorithm: {Algorithm}").AppendLine();
        foreach (var c in Comparisons)
        {
            text.Append(c.Verdict).AppendLine();
            if (c.Ours is { } ours) text.Append("  ours vs reference: ").Append(ours.Message).AppendLine();
            text.Append("  library vs reference: ").Append(c.Theirs.Message).AppendLine();
            if (c.Between is { } between) text.Append("  ours vs library: ").Append(between.Message).AppendLine();
        }
        return text.ToString();
    }

    public OracleOutcome ThrowIfFailed() => Passed ? this : throw new InvalidOperationException(Describe());
}
