using CudaCnn.Native;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Oracle;

/// <summary>The values cudnnSetTensor4dDescriptor receives (note: format before data type).</summary>
internal readonly record struct TensorDescriptorArgs(CudnnTensorFormat Format, CudnnDataType DataType, int N, int C, int H, int W);

/// <summary>The values cudnnSetFilter4dDescriptor receives (data type before format; K outputs, C inputs per group).</summary>
internal readonly record struct FilterDescriptorArgs(CudnnDataType DataType, CudnnTensorFormat Format, int K, int C, int H, int W);

/// <summary>cudnnSetConvolution2dDescriptor (U, V = vertical, horizontal stride), then the math type and group count.</summary>
internal readonly record struct ConvolutionDescriptorArgs(
    int PadH, int PadW, int U, int V, int DilationH, int DilationW, CudnnConvolutionMode Mode, CudnnDataType ComputeType,
    CudnnMathType MathType, int GroupCount);

internal readonly record struct PoolingDescriptorArgs(
    CudnnPoolingMode Mode, CudnnNanPropagation NanPropagation, int WindowH, int WindowW, int PadH, int PadW, int StrideH, int StrideW);

internal readonly record struct LrnDescriptorArgs(uint N, double Alpha, double Beta, double K);

internal readonly record struct ActivationDescriptorArgs(CudnnActivationMode Mode, CudnnNanPropagation NanPropagation, double Coef);

/// <summary>
/// Our shapes and op parameters translated into the exact arguments of the cuDNN descriptor setters: pure functions,
/// so the translation is unit-tested without libcudnn. Anything cuDNN cannot express throws here, before a handle is
/// touched, naming the argument, what cuDNN accepts and what was given.
/// </summary>
internal static class CudnnArgs
{
    /// <summary>CUDNN_LRN_MIN_N, CUDNN_LRN_MAX_N, CUDNN_LRN_MIN_K, CUDNN_LRN_MIN_BETA (native-abi.md §4.8).</summary>
    public const int LrnMinN = 1, LrnMaxN = 16;
    public const double LrnMinK = 1e-5, LrnMinBeta = 0.01;

    /// <summary>A float32 NCHW tensor; shapes of rank below 4 fill the missing trailing dimensions with 1.</summary>
    public static TensorDescriptorArgs Tensor(TensorShape shape) =>
        new(CudnnTensorFormat.Nchw, CudnnDataType.Float, shape.N, shape.C, shape.H, shape.W);

    /// <summary>A per-channel vector (bias, batch-norm scale/shift/statistics) as the 1 x C x 1 x 1 tensor cuDNN
    /// broadcasts over N, H, W (what cudnnDeriveBNTensorDescriptor gives for SPATIAL mode and float data).</summary>
    public static TensorDescriptorArgs Channels(int channels) =>
        new(CudnnTensorFormat.Nchw, CudnnDataType.Float, 1, channels, 1, 1);

    /// <summary>A [K, C / groups, kH, kW] weight tensor.</summary>
    public static FilterDescriptorArgs Filter(TensorShape weight)
    {
        RequireRank4(weight, "weight");
        return new(CudnnDataType.Float, CudnnTensorFormat.Nchw, weight.N, weight.C, weight.H, weight.W);
    }

    /// <summary>Cross-correlation (what <see cref="Reference.ConvolutionReference"/> computes) with float accumulation.
    /// cuDNN floors the output size, as <see cref="OutputRounding.Floor"/>; an Exact geometry is one whose floor is exact.</summary>
    public static ConvolutionDescriptorArgs Convolution(Conv2dParams p, OracleMath math)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.PadH, p.PadW, p.StrideH, p.StrideW, p.DilationH, p.DilationW, CudnnConvolutionMode.CrossCorrelation,
            CudnnDataType.Float, MathType(math), p.Groups);
    }

    public static CudnnMathType MathType(OracleMath math) => math switch
    {
        OracleMath.Fma => CudnnMathType.Fma,
        OracleMath.Tf32 => CudnnMathType.TensorOp,
        _ => throw new ArgumentOutOfRangeException(nameof(math), math, "expected Fma or Tf32"),
    };

    /// <summary>Max pooling propagates NaN (as PyTorch asks cuDNN to); average pooling counts padding per
    /// <see cref="Pool2dParams.CountIncludePad"/>. cuDNN floors the output size, so ceil rounding is refused.</summary>
    public static PoolingDescriptorArgs Pooling(Pool2dParams p, PoolingKind kind)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Rounding == OutputRounding.Ceil)
            throw new NotSupportedException($"cuDNN pooling: rounding must be Floor or Exact (cuDNN floors the output size), got {p.Rounding}");
        var mode = kind switch
        {
            PoolingKind.Max => CudnnPoolingMode.Max,
            PoolingKind.Average when p.CountIncludePad => CudnnPoolingMode.AverageCountIncludePadding,
            PoolingKind.Average => CudnnPoolingMode.AverageCountExcludePadding,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "expected Max or Average"),
        };
        return new(mode, CudnnNanPropagation.Propagate, p.KernelH, p.KernelW, p.PadH, p.PadW, p.StrideH, p.StrideW);
    }

    /// <summary>cuDNN divides lrnAlpha by n itself (native-abi.md §4.9), so the paper variant passes alpha * n.</summary>
    public static LrnDescriptorArgs Lrn(LrnParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Size is < LrnMinN or > LrnMaxN)
            throw new ArgumentOutOfRangeException(nameof(p), p.Size, $"cuDNN LRN: size must be in [{LrnMinN}, {LrnMaxN}] (CUDNN_LRN_MIN_N..MAX_N), got {p.Size}");
        if (p.K < LrnMinK)
            throw new ArgumentOutOfRangeException(nameof(p), p.K, $"cuDNN LRN: k must be >= {LrnMinK} (CUDNN_LRN_MIN_K), got {p.K}");
        if (p.Beta < LrnMinBeta)
            throw new ArgumentOutOfRangeException(nameof(p), p.Beta, $"cuDNN LRN: beta must be >= {LrnMinBeta} (CUDNN_LRN_MIN_BETA), got {p.Beta}");
        double alpha = p.Variant == LrnVariant.CuDnn ? p.Alpha : p.Alpha * p.Size;
        return new((uint)p.Size, alpha, p.Beta, p.K);
    }

    /// <summary>ReLU, ELU (coef = its alpha), tanh and sigmoid. cuDNN has no leaky ReLU, and its IDENTITY mode only
    /// serves cudnnConvolutionBiasActivationForward, so both are refused.</summary>
    public static ActivationDescriptorArgs Activation(ActivationParams a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a.Kind switch
        {
            ActivationKind.ReLU => new(CudnnActivationMode.Relu, CudnnNanPropagation.Propagate, 0.0),
            ActivationKind.ELU => new(CudnnActivationMode.Elu, CudnnNanPropagation.Propagate, a.Alpha),
            ActivationKind.Tanh => new(CudnnActivationMode.Tanh, CudnnNanPropagation.Propagate, 0.0),
            ActivationKind.Sigmoid => new(CudnnActivationMode.Sigmoid, CudnnNanPropagation.Propagate, 0.0),
            _ => throw new NotSupportedException($"cuDNN activation: expected ReLU, ELU, Tanh or Sigmoid, got {a.Kind} (cuDNN has no leaky ReLU; identity is a no-op)"),
        };
    }

    internal static void RequireRank4(TensorShape shape, string name)
    {
        if (shape.Rank != 4)
            throw new ArgumentException($"cuDNN: {name} must be NCHW (rank 4), got {shape}", name);
    }
}
