using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Oracle;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Oracle;

/// <summary>
/// Our shapes and parameter records translated into the values the cuDNN setters receive, checked value by value
/// against the C enums of native-abi.md §4.7 (as integers, so a renumbered C# enum fails too). No libcudnn needed.
/// </summary>
public sealed class CudnnArgsTests
{
    [Fact]
    public void A_tensor_is_float_nchw_and_pads_missing_dimensions_with_one()
    {
        var a = CudnnArgs.Tensor(new TensorShape(3, 5, 7, 9));
        Assert.Equal((0, 0, 3, 5, 7, 9), ((int)a.Format, (int)a.DataType, a.N, a.C, a.H, a.W)); // CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT
        var logits = CudnnArgs.Tensor(new TensorShape(2, 1000));
        Assert.Equal((2, 1000, 1, 1), (logits.N, logits.C, logits.H, logits.W));
    }

    [Fact]
    public void A_channel_vector_is_1_by_C_by_1_by_1()
    {
        var a = CudnnArgs.Channels(64);
        Assert.Equal((1, 64, 1, 1), (a.N, a.C, a.H, a.W));
    }

    [Fact]
    public void A_filter_is_K_by_C_per_group_with_data_type_before_format()
    {
        var a = CudnnArgs.Filter(new TensorShape(9, 2, 3, 5));
        Assert.Equal((0, 0, 9, 2, 3, 5), ((int)a.DataType, (int)a.Format, a.K, a.C, a.H, a.W));
        var e = Assert.Throws<ArgumentException>(() => CudnnArgs.Filter(new TensorShape(9, 2)));
        Assert.Contains("rank 4", e.Message);
        Assert.Contains("[9,2]", e.Message);
    }

    [Fact]
    public void A_convolution_is_cross_correlation_with_float_accumulation_and_every_geometry_field()
    {
        var p = new Conv2dParams(strideH: 2, strideW: 3, padH: 1, padW: 2, dilationH: 2, dilationW: 1, groups: 4);
        var a = CudnnArgs.Convolution(p, OracleMath.Fma);
        Assert.Equal((1, 2, 2, 3, 2, 1), (a.PadH, a.PadW, a.U, a.V, a.DilationH, a.DilationW));
        Assert.Equal(1, (int)a.Mode);        // CUDNN_CROSS_CORRELATION
        Assert.Equal(0, (int)a.ComputeType); // CUDNN_DATA_FLOAT
        Assert.Equal(4, a.GroupCount);
    }

    [Fact]
    public void Fma_math_is_CUDNN_FMA_MATH_and_tf32_is_CUDNN_TENSOR_OP_MATH()
    {
        Assert.Equal(3, (int)CudnnArgs.Convolution(new Conv2dParams(), OracleMath.Fma).MathType);
        Assert.Equal(1, (int)CudnnArgs.Convolution(new Conv2dParams(), OracleMath.Tf32).MathType);
        Assert.Throws<ArgumentOutOfRangeException>(() => CudnnArgs.MathType((OracleMath)7));
    }

    [Theory]
    [InlineData(PoolingKind.Max, true, 0)]      // CUDNN_POOLING_MAX
    [InlineData(PoolingKind.Average, true, 1)]  // CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING
    [InlineData(PoolingKind.Average, false, 2)] // CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING
    public void Pooling_modes_follow_the_kind_and_the_padding_rule(PoolingKind kind, bool includePad, int mode)
    {
        var p = new Pool2dParams(kernelH: 3, kernelW: 2, strideH: 2, strideW: 1, padH: 1, padW: 1, countIncludePad: includePad);
        var a = CudnnArgs.Pooling(p, kind);
        Assert.Equal(mode, (int)a.Mode);
        Assert.Equal(1, (int)a.NanPropagation); // CUDNN_PROPAGATE_NAN
        Assert.Equal((3, 2, 1, 1, 2, 1), (a.WindowH, a.WindowW, a.PadH, a.PadW, a.StrideH, a.StrideW));
    }

    [Fact]
    public void Ceil_pooling_is_refused_because_cudnn_floors()
    {
        var e = Assert.Throws<NotSupportedException>(() => CudnnArgs.Pooling(new Pool2dParams(3, stride: 2, rounding: OutputRounding.Ceil), PoolingKind.Max));
        Assert.Contains("Ceil", e.Message);
    }

    [Fact]
    public void Lrn_passes_alpha_unchanged_for_the_cudnn_variant_and_times_n_for_the_paper()
    {
        var cudnn = CudnnArgs.Lrn(new LrnParams(size: 5, alpha: 1e-4, beta: 0.75, k: 2));
        Assert.Equal((5u, 1e-4, 0.75, 2.0), (cudnn.N, cudnn.Alpha, cudnn.Beta, cudnn.K));
        var paper = CudnnArgs.Lrn(new LrnParams(size: 5, alpha: 1e-4, variant: LrnVariant.AlexNetPaper));
        Assert.Equal(5e-4, paper.Alpha, 15);
    }

    [Theory]
    [InlineData(17, 0.75, 2.0, "[1, 16]")]
    [InlineData(5, 0.001, 2.0, "beta must be >= 0.01")]
    [InlineData(5, 0.75, 1e-6, "k must be >= 1E-05")]
    public void Lrn_outside_cudnns_limits_is_refused_with_the_limit(int size, double beta, double k, string expected)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CudnnArgs.Lrn(new LrnParams(size, beta: beta, k: k)));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(ActivationKind.Sigmoid, 0)]
    [InlineData(ActivationKind.ReLU, 1)]
    [InlineData(ActivationKind.Tanh, 2)]
    [InlineData(ActivationKind.ELU, 4)]
    public void Activations_map_to_their_cudnn_modes(ActivationKind kind, int mode)
    {
        var a = CudnnArgs.Activation(new ActivationParams(kind, alpha: 0.7));
        Assert.Equal(mode, (int)a.Mode);
        Assert.Equal(kind == ActivationKind.ELU ? 0.7 : 0.0, a.Coef);
    }

    [Theory]
    [InlineData(ActivationKind.LeakyReLU)]
    [InlineData(ActivationKind.Identity)]
    public void Activations_cudnn_lacks_are_refused(ActivationKind kind)
    {
        var e = Assert.Throws<NotSupportedException>(() => CudnnArgs.Activation(new ActivationParams(kind)));
        Assert.Contains(kind.ToString(), e.Message);
    }

    [Theory]
    [InlineData(ConvDirection.Forward, 1, "IMPLICIT_PRECOMP_GEMM")]
    [InlineData(ConvDirection.Forward, 7, "WINOGRAD_NONFUSED")]
    [InlineData(ConvDirection.BackwardData, 0, "ALGO_0")]
    [InlineData(ConvDirection.BackwardData, 3, "FFT_TILING")]
    [InlineData(ConvDirection.BackwardFilter, 3, "ALGO_3")]
    [InlineData(ConvDirection.BackwardFilter, 6, "FFT_TILING")]
    [InlineData(ConvDirection.BackwardFilter, 42, "ALGO_42")]
    public void Algorithm_names_are_the_C_enum_suffixes(ConvDirection direction, int value, string name) =>
        Assert.Equal(name, CudnnConvAlgo.NameOf(direction, value));
}
