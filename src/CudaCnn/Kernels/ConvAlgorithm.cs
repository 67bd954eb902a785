using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>How a convolution is computed (docs/kernels.md lists the rules Auto follows).</summary>
public enum ConvAlgorithm
{
    /// <summary>Column matrix of each image, then a GEMM per image over the groups: any geometry, every direction.</summary>
    Im2colGemm,
    /// <summary>1x1 filter, stride 1, no padding: a GEMM straight over the NCHW tensors, no workspace.</summary>
    Gemm1x1,
    /// <summary>Winograd F(2x2,3x3): 3x3, stride 1, dilation 1, groups 1; forward and backward data (padding &lt;= 2).</summary>
    Winograd2x2,
    /// <summary>Winograd F(4x4,3x3): same limits as <see cref="Winograd2x2"/>, fewer multiplies, larger rounding error.</summary>
    Winograd4x4,
    /// <summary>Pick one of the above by shape.</summary>
    Auto,
}

public enum ConvDirection
{
    Forward,
    BackwardData,
    BackwardFilter,
}

/// <summary>Which algorithm applies to which convolution, and the workspace each needs (in float elements).</summary>
public static class ConvAlgorithms
{
    /// <summary>Outputs at least this many rows and columns use F(4x4,3x3) under Auto: below it most of a 4x4 tile
    /// would be padding and F(2x2,3x3) does less wasted work.</summary>
    public const int Winograd4x4MinOutputSide = 8;

    /// <summary>Null when <paramref name="algorithm"/> can compute this convolution, else the reason it cannot.</summary>
    public static string? WhyUnsupported(ConvAlgorithm algorithm, ConvDirection direction, TensorShape weight, Conv2dParams p) =>
        Reason(algorithm, direction, weight, p, describe: true);

    /// <summary>Whether <paramref name="algorithm"/> can compute this convolution (allocation-free).</summary>
    public static bool Supports(ConvAlgorithm algorithm, ConvDirection direction, TensorShape weight, Conv2dParams p) =>
        Reason(algorithm, direction, weight, p, describe: false) is null;

    /// <summary>The reason an algorithm does not apply; without <paramref name="describe"/> a fixed marker, so the
    /// per-call Auto choice builds no strings.</summary>
    private static string? Reason(ConvAlgorithm algorithm, ConvDirection direction, TensorShape weight, Conv2dParams p, bool describe)
    {
        const string No = "unsupported";
        ArgumentNullException.ThrowIfNull(p);
        switch (algorithm)
        {
            case ConvAlgorithm.Im2colGemm or ConvAlgorithm.Auto:
                return null;
            case ConvAlgorithm.Gemm1x1:
                if (weight.H != 1 || weight.W != 1) return describe ? $"it needs a 1x1 filter, got {weight.H}x{weight.W}" : No;
                if (p.StrideH != 1 || p.StrideW != 1) return describe ? $"it needs stride 1, got {p.StrideH}x{p.StrideW}" : No;
                if (p.PadH != 0 || p.PadW != 0) return describe ? $"it needs padding 0, got {p.PadH}x{p.PadW}" : No;
                return null;
            case ConvAlgorithm.Winograd2x2 or ConvAlgorithm.Winograd4x4:
                if (direction == ConvDirection.BackwardFilter) return "it computes forward and backward data only, not backward filter";
                if (weight.H != 3 || weight.W != 3) return describe ? $"it needs a 3x3 filter, got {weight.H}x{weight.W}" : No;
                if (p.StrideH != 1 || p.StrideW != 1) return describe ? $"it needs stride 1, got {p.StrideH}x{p.StrideW}" : No;
                if (p.DilationH != 1 || p.DilationW != 1) return describe ? $"it needs dilation 1, got {p.DilationH}x{p.DilationW}" : No;
                if (p.Groups != 1) return describe ? $"it needs groups 1, got {p.Groups}" : No;
                if (direction == ConvDirection.BackwardData && (p.PadH > 2 || p.PadW > 2))
                    return describe ? $"backward data needs padding <= 2 (it convolves dy with padding 2 - pad), got {p.PadH}x{p.PadW}" : No;
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown convolution algorithm");
        }
    }

    /// <summary>The concrete algorithm: Auto's choice, or <paramref name="algorithm"/> itself when it applies.
    /// An algorithm that cannot compute the convolution is an error naming it and the reason, never a fallback.</summary>
    public static ConvAlgorithm Resolve(ConvAlgorithm algorithm, ConvDirection direction, TensorShape x, TensorShape weight, Conv2dParams p)
    {
        if (algorithm != ConvAlgorithm.Auto)
        {
            if (!Supports(algorithm, direction, weight, p))
                throw new NotSupportedException($"Conv2d.{direction}: {algorithm} cannot compute this convolution: {WhyUnsupported(algorithm, direction, weight, p)} (x: {x}, weight: {weight}, {Describe(p)})");
            return algorithm;
        }
        if (Supports(ConvAlgorithm.Gemm1x1, direction, weight, p)) return ConvAlgorithm.Gemm1x1;
        if (Supports(ConvAlgorithm.Winograd4x4, direction, weight, p))
        {
            var (outH, outW) = p.OutputSize(x.H, x.W, weight.H, weight.W);
            // Backward data produces x-sized tiles; forward y-sized ones.
            var (h, w) = direction == ConvDirection.BackwardData ? (x.H, x.W) : (outH, outW);
            return Math.Min(h, w) >= Winograd4x4MinOutputSide ? ConvAlgorithm.Winograd4x4 : ConvAlgorithm.Winograd2x2;
        }
        return ConvAlgorithm.Im2colGemm;
    }

    /// <summary>Workspace (float elements) that <paramref name="algorithm"/> (resolved first) needs for one call in
    /// <paramref name="direction"/>; <paramref name="filterCached"/>: a Winograd call gets a <see cref="WinogradFilter"/>
    /// and needs no room for the filter transform.</summary>
    public static long WorkspaceElements(ConvDirection direction, ConvAlgorithm algorithm, TensorShape x, TensorShape weight,
        Conv2dParams p, bool filterCached = false)
    {
        var concrete = Resolve(algorithm, direction, x, weight, p);
        var (outH, outW) = p.OutputSize(x.H, x.W, weight.H, weight.W);
        switch (concrete)
        {
            case ConvAlgorithm.Gemm1x1:
                return 0;
            case ConvAlgorithm.Im2colGemm:
                var (rows, columns) = Im2colKernels.ColumnShape(x, weight.H, weight.W, p);
                return (long)rows * columns;
            default:
                var tile = TileOf(concrete);
                bool backward = direction == ConvDirection.BackwardData;
                var (inC, outC, h, w) = backward ? (weight.N, x.C, x.H, x.W) : (x.C, weight.N, outH, outW);
                return WinogradKernels.WorkspaceElements(tile, x.N, inC, outC, h, w) +
                       (filterCached ? 0 : WinogradKernels.FilterElements(tile, outC, inC));
        }
    }

    internal static WinogradTile TileOf(ConvAlgorithm algorithm) => algorithm switch
    {
        ConvAlgorithm.Winograd2x2 => WinogradTile.F2x2,
        ConvAlgorithm.Winograd4x4 => WinogradTile.F4x4,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "not a Winograd algorithm"),
    };

    internal static string Describe(Conv2dParams p) =>
        $"stride {p.StrideH}x{p.StrideW}, padding {p.PadH}x{p.PadW}, dilation {p.DilationH}x{p.DilationW}, groups {p.Groups}";
}
