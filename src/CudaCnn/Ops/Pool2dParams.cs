using CudaCnn.Runtime;

namespace CudaCnn.Ops;

/// <summary>Geometry of 2-D max or average pooling, per axis.
/// out = (I + 2P - F) / S + 1, floored or ceiled (<see cref="OutputRounding"/>; in ceil mode the last window must start
/// inside the input or its left padding, as PyTorch). Padding is at most half the window (as PyTorch), so every window
/// holds at least one real cell. CountIncludePad only matters for average pooling.</summary>
public sealed record Pool2dParams
{
    private const string Owner = "Pool2d";

    /// <param name="stride">Defaults to the kernel size (non-overlapping windows).</param>
    public Pool2dParams(int kernel, int? stride = null, int padding = 0, OutputRounding rounding = OutputRounding.Floor,
        bool countIncludePad = true)
        : this(kernel, kernel, stride ?? kernel, stride ?? kernel, padding, padding, rounding, countIncludePad) { }

    public Pool2dParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
        OutputRounding rounding = OutputRounding.Floor, bool countIncludePad = true)
    {
        WindowGeometry.RequirePositive(kernelH, nameof(kernelH), Owner);
        WindowGeometry.RequirePositive(kernelW, nameof(kernelW), Owner);
        WindowGeometry.RequirePositive(strideH, nameof(strideH), Owner);
        WindowGeometry.RequirePositive(strideW, nameof(strideW), Owner);
        WindowGeometry.RequireNonNegative(padH, nameof(padH), Owner);
        WindowGeometry.RequireNonNegative(padW, nameof(padW), Owner);
        if (2 * padH > kernelH || 2 * padW > kernelW)
            throw new ArgumentException(
                $"{Owner}: padding {padH}x{padW} must be at most half the {kernelH}x{kernelW} window, or a window could hold only padding");
        (KernelH, KernelW, StrideH, StrideW, PadH, PadW, Rounding, CountIncludePad) =
            (kernelH, kernelW, strideH, strideW, padH, padW, rounding, countIncludePad);
    }

    public int KernelH { get; }
    public int KernelW { get; }
    public int StrideH { get; }
    public int StrideW { get; }
    public int PadH { get; }
    public int PadW { get; }
    public OutputRounding Rounding { get; }
    public bool CountIncludePad { get; }

    public (int H, int W) OutputSize(int inH, int inW) =>
        WindowGeometry.OutputSize(Owner, "window", inH, inW, KernelH, KernelW, StrideH, StrideW, PadH, PadW, 1, 1, Rounding);

    /// <summary>y's shape [N, C, outH, outW] for x [N, C, H, W].</summary>
    public TensorShape OutputShape(TensorShape x)
    {
        WindowGeometry.RequireRank4(x, nameof(x), Owner);
        var (h, w) = OutputSize(x.H, x.W);
        return new TensorShape(x.N, x.C, h, w);
    }
}
