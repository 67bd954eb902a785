using CudaCnn.Runtime;

namespace CudaCnn.Ops;

/// <summary>Geometry of a 2-D cross-correlation (what CNNs call convolution), per axis.
/// x: [N, C, H, W]; weight: [K, C / Groups, kH, kW]; bias: [K]; y: [N, K, outH, outW] with
/// out = (I + 2P - (D(F - 1) + 1)) / S + 1 (floored by default, as cuDNN and PyTorch; <see cref="OutputRounding.Exact"/>
/// makes a non-integer an error, the lecture rule). Groups split C and K into Groups independent convolutions.</summary>
public sealed record Conv2dParams
{
    private const string Owner = "Conv2d";

    public Conv2dParams(int stride = 1, int padding = 0, int dilation = 1, int groups = 1,
        OutputRounding rounding = OutputRounding.Floor)
        : this(stride, stride, padding, padding, dilation, dilation, groups, rounding) { }

    public Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups,
        OutputRounding rounding = OutputRounding.Floor)
    {
        WindowGeometry.RequirePositive(strideH, nameof(strideH), Owner);
        WindowGeometry.RequirePositive(strideW, nameof(strideW), Owner);
        WindowGeometry.RequireNonNegative(padH, nameof(padH), Owner);
        WindowGeometry.RequireNonNegative(padW, nameof(padW), Owner);
        WindowGeometry.RequirePositive(dilationH, nameof(dilationH), Owner);
        WindowGeometry.RequirePositive(dilationW, nameof(dilationW), Owner);
        WindowGeometry.RequirePositive(groups, nameof(groups), Owner);
        if (rounding == OutputRounding.Ceil)
            throw new ArgumentException($"{Owner}: ceil rounding is a pooling mode; convolution output sizes are Floor or Exact", nameof(rounding));
        (StrideH, StrideW, PadH, PadW, DilationH, DilationW, Groups, Rounding) =
            (strideH, strideW, padH, padW, dilationH, dilationW, groups, rounding);
    }

    public int StrideH { get; }
    public int StrideW { get; }
    public int PadH { get; }
    public int PadW { get; }
    public int DilationH { get; }
    public int DilationW { get; }
    public int Groups { get; }
    public OutputRounding Rounding { get; }

    /// <summary>Output height and width for an input of inH x inW and a kH x kW filter.</summary>
    public (int H, int W) OutputSize(int inH, int inW, int kH, int kW) =>
        WindowGeometry.OutputSize(Owner, "filter", inH, inW, kH, kW, StrideH, StrideW, PadH, PadW, DilationH, DilationW, Rounding);

    /// <summary>Validates x [N, C, H, W] against weight [K, C / Groups, kH, kW] and returns y's shape [N, K, outH, outW].</summary>
    public TensorShape OutputShape(TensorShape x, TensorShape weight)
    {
        WindowGeometry.RequireRank4(x, nameof(x), Owner);
        WindowGeometry.RequireRank4(weight, nameof(weight), Owner);
        if (x.C % Groups != 0 || weight.N % Groups != 0)
            throw new ArgumentException(
                $"{Owner}: groups {Groups} must divide the input channels {x.C} and the output channels {weight.N} (x: {x}, weight: {weight})");
        if (weight.C != x.C / Groups)
            throw new ArgumentException(
                $"{Owner}: x has {x.C} channels, so with groups {Groups} the weight must have {x.C / Groups} input channels, got {weight.C} (x: {x}, weight: {weight})");
        var (h, w) = OutputSize(x.H, x.W, weight.H, weight.W);
        return new TensorShape(x.N, weight.N, h, w);
    }

    /// <summary>The weight tensor's shape [K, C / Groups, kH, kW].</summary>
    public TensorShape WeightShape(int inChannels, int outChannels, int kH, int kW)
    {
        if (inChannels % Groups != 0 || outChannels % Groups != 0)
            throw new ArgumentException($"{Owner}: groups {Groups} must divide the input channels {inChannels} and the output channels {outChannels}");
        return new TensorShape(outChannels, inChannels / Groups, kH, kW);
    }

    /// <summary>Number of weights K * (C / Groups) * kH * kW (biases not included: they are K more).</summary>
    public long WeightCount(int inChannels, int outChannels, int kH, int kW) =>
        WeightShape(inChannels, outChannels, kH, kW).Elements;
}
