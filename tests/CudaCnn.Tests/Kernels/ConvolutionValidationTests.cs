using CudaCnn.Benchmarking;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Runtime;
using CudaCnn.Tests.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

/// <summary>Argument checks and algorithm rules, on a recording GPU: bad input fails before any launch.</summary>
public class ConvolutionValidationTests
{
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);
    private readonly RecordingGpu _gpu = new();
    private readonly ConvolutionKernels _conv;

    public ConvolutionValidationTests() => _conv = new ConvolutionKernels(new KernelLibrary(_gpu, Compiler));

    private T ThrowsBeforeAnyLaunch<T>(Action act) where T : Exception
    {
        var error = Assert.Throws<T>(act);
        Assert.Empty(_gpu.Launches);
        return error;
    }

    private Tensor T(params int[] dims) => new(_gpu, new TensorShape(dims));

    [Fact]
    public void Channel_mismatch_names_both_shapes()
    {
        using var x = T(8, 3, 227, 227);
        using var w = T(96, 96, 11, 11);
        using var y = T(8, 96, 55, 55);
        var error = ThrowsBeforeAnyLaunch<ArgumentException>(() =>
            _conv.Forward(x, w, null, y, new Conv2dParams(stride: 4), ConvAlgorithm.Im2colGemm, null));
        Assert.StartsWith("Conv2d.Forward: x has 3 channels, weight expects 96 (x: [8,3,227,227], weight: [96,96,11,11])", error.Message);
    }

    [Fact]
    public void Wrong_output_shape_is_reported_with_the_expected_one()
    {
        using var x = T(2, 3, 9, 9);
        using var w = T(4, 3, 3, 3);
        using var y = T(2, 4, 9, 9);
        var error = ThrowsBeforeAnyLaunch<ArgumentException>(() =>
            _conv.Forward(x, w, null, y, new Conv2dParams(), ConvAlgorithm.Im2colGemm, null));
        Assert.Equal("y", error.ParamName);
        Assert.Contains("y is [2,4,9,9], expected [2,4,7,7]", error.Message);
    }

    [Fact]
    public void Bias_of_the_wrong_length_is_rejected()
    {
        using var x = T(1, 3, 5, 5);
        using var w = T(4, 3, 1, 1);
        using var y = T(1, 4, 5, 5);
        using var bias = T(3);
        var error = ThrowsBeforeAnyLaunch<ArgumentException>(() =>
            _conv.Forward(x, w, bias, y, new Conv2dParams(), ConvAlgorithm.Gemm1x1, null));
        Assert.Contains("bias has 3 elements, weight has 4 output channels", error.Message);
    }

    [Theory]
    [InlineData(ConvAlgorithm.Winograd4x4, "3x3", 2, 1, 1, "Winograd4x4 cannot compute this convolution: it needs stride 1, got 2x2")]
    [InlineData(ConvAlgorithm.Winograd2x2, "3x3", 1, 2, 1, "Winograd2x2 cannot compute this convolution: it needs dilation 1, got 2x2")]
    [InlineData(ConvAlgorithm.Winograd2x2, "3x3", 1, 1, 2, "Winograd2x2 cannot compute this convolution: it needs groups 1, got 2")]
    [InlineData(ConvAlgorithm.Winograd2x2, "5x5", 1, 1, 1, "it needs a 3x3 filter, got 5x5")]
    [InlineData(ConvAlgorithm.Gemm1x1, "3x3", 1, 1, 1, "Gemm1x1 cannot compute this convolution: it needs a 1x1 filter, got 3x3")]
    [InlineData(ConvAlgorithm.Gemm1x1, "1x1", 2, 1, 1, "Gemm1x1 cannot compute this convolution: it needs stride 1, got 2x2")]
    public void Unsupported_algorithms_are_errors_naming_the_algorithm_and_reason(ConvAlgorithm algorithm, string filter, int stride, int dilation, int groups, string message)
    {
        int k = filter == "5x5" ? 5 : filter == "3x3" ? 3 : 1;
        var p = new Conv2dParams(stride: stride, padding: 2, dilation: dilation, groups: groups);
        using var x = T(1, 4, 12, 12);
        using var w = T(4, 4 / groups, k, k);
        using var y = new Tensor(_gpu, p.OutputShape(x.Shape, w.Shape));
        using var workspace = new DeviceBuffer<float>(_gpu, 1 << 16);
        var error = ThrowsBeforeAnyLaunch<NotSupportedException>(() => _conv.Forward(x, w, null, y, p, algorithm, workspace));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Winograd_has_no_backward_filter_and_backward_data_needs_padding_at_most_2()
    {
        using var x = T(1, 2, 8, 8);
        using var w = T(2, 2, 3, 3);
        using var dy = T(1, 2, 6, 6);
        var error = ThrowsBeforeAnyLaunch<NotSupportedException>(() =>
            _conv.BackwardFilter(x, dy, w, new Conv2dParams(), ConvAlgorithm.Winograd2x2, null));
        Assert.Contains("Conv2d.BackwardFilter: Winograd2x2 cannot compute this convolution: it computes forward and backward data only", error.Message);
        Assert.Contains("padding <= 2", ConvAlgorithms.WhyUnsupported(ConvAlgorithm.Winograd4x4, ConvDirection.BackwardData,
            new TensorShape(2, 2, 3, 3), new Conv2dParams(padding: 3)));
    }

    [Fact]
    public void A_small_or_missing_workspace_is_rejected_with_the_size_needed()
    {
        using var x = T(1, 2, 8, 8);
        using var w = T(3, 2, 3, 3);
        using var y = T(1, 3, 6, 6);
        var p = new Conv2dParams();
        long needed = ConvAlgorithms.WorkspaceElements(ConvDirection.Forward, ConvAlgorithm.Im2colGemm, x.Shape, w.Shape, p);
        Assert.Equal(2 * 9 * 36, needed);
        using var small = new DeviceBuffer<float>(_gpu, needed - 1);
        var error = ThrowsBeforeAnyLaunch<ArgumentException>(() => _conv.Forward(x, w, null, y, p, ConvAlgorithm.Im2colGemm, small));
        Assert.Contains($"the workspace has {needed - 1} elements, Im2colGemm needs {needed}", error.Message);
        ThrowsBeforeAnyLaunch<ArgumentNullException>(() => _conv.Forward(x, w, null, y, p, ConvAlgorithm.Winograd2x2, null));
        Assert.Equal(0, ConvAlgorithms.WorkspaceElements(ConvDirection.BackwardData, ConvAlgorithm.Auto, x.Shape, new TensorShape(3, 2, 1, 1), p));
    }

    [Fact]
    public void A_winograd_filter_for_another_direction_is_rejected()
    {
        using var x = T(1, 2, 8, 8);
        using var w = T(3, 2, 3, 3);
        using var y = T(1, 3, 6, 6);
        var p = new Conv2dParams();
        using var filter = new WinogradFilter(ConvAlgorithm.Winograd2x2, ConvDirection.BackwardData, w.Shape, new DeviceBuffer<float>(_gpu, 16 * 6));
        using var workspace = new DeviceBuffer<float>(_gpu, 1 << 12);
        var error = ThrowsBeforeAnyLaunch<ArgumentException>(() => _conv.Forward(x, w, null, y, p, ConvAlgorithm.Winograd2x2, workspace, filter: filter));
        Assert.Contains("made for Winograd2x2 BackwardData", error.Message);
    }

    [Theory]
    [InlineData(ConvDirection.Forward, 1, 1, 0, 1, 1, ConvAlgorithm.Gemm1x1)]
    [InlineData(ConvDirection.Forward, 3, 1, 1, 1, 16, ConvAlgorithm.Winograd4x4)]
    [InlineData(ConvDirection.Forward, 3, 1, 1, 1, 6, ConvAlgorithm.Winograd2x2)]
    [InlineData(ConvDirection.BackwardData, 3, 1, 1, 1, 16, ConvAlgorithm.Winograd4x4)]
    [InlineData(ConvDirection.BackwardData, 3, 1, 3, 1, 16, ConvAlgorithm.Im2colGemm)]
    [InlineData(ConvDirection.BackwardFilter, 3, 1, 1, 1, 16, ConvAlgorithm.Im2colGemm)]
    [InlineData(ConvDirection.BackwardFilter, 1, 1, 0, 1, 16, ConvAlgorithm.Gemm1x1)]
    [InlineData(ConvDirection.Forward, 3, 2, 1, 1, 16, ConvAlgorithm.Im2colGemm)]
    [InlineData(ConvDirection.Forward, 3, 1, 1, 2, 16, ConvAlgorithm.Im2colGemm)]
    [InlineData(ConvDirection.Forward, 5, 1, 2, 1, 16, ConvAlgorithm.Im2colGemm)]
    public void Auto_follows_the_documented_rules(ConvDirection direction, int k, int stride, int pad, int groups, int size, ConvAlgorithm expected)
    {
        var p = new Conv2dParams(stride: stride, padding: pad, groups: groups);
        Assert.Equal(expected, ConvAlgorithms.Resolve(ConvAlgorithm.Auto, direction, new TensorShape(2, 4, size, size), new TensorShape(4, 4 / groups, k, k), p));
    }

    [Fact]
    public void Gemm_rejects_a_short_leading_dimension_and_a_short_buffer()
    {
        using var a = new DeviceBuffer<float>(_gpu, 12);
        using var b = new DeviceBuffer<float>(_gpu, 12);
        using var c = new DeviceBuffer<float>(_gpu, 8);
        var error = ThrowsBeforeAnyLaunch<ArgumentException>(() => _conv.Gemm.StridedBatched(1, false, false, 3, 3, 4, 1f,
            new StridedMatrix(a, 0, 3), new StridedMatrix(b, 0, 3), 0f, new StridedMatrix(c, 0, 3)));
        Assert.Equal("a", error.ParamName);
        Assert.Contains("a is stored 3 x 4, so its leading dimension must be >= 4, got 3", error.Message);
        error = ThrowsBeforeAnyLaunch<ArgumentException>(() => _conv.Gemm.Gemm(false, false, 3, 3, 4, 1f, a, b, 0f, c));
        Assert.Equal("c", error.ParamName);
        Assert.Contains("c needs 9 elements", error.Message);
    }

    [NvrtcFact]
    public void Gemm_takes_the_scalar_kernel_when_an_operand_is_not_16_byte_aligned()
    {
        using var a = new DeviceBuffer<float>(_gpu, 64 * 64 + 4); // keeps the next allocation 16-byte aligned
        using var b = new DeviceBuffer<float>(_gpu, 64 * 64);
        using var c = new DeviceBuffer<float>(_gpu, 64 * 64);
        var aligned = new StridedMatrix(a, 0, 64);
        var shifted = new StridedMatrix(a, 1, 64);
        Assert.True(GemmKernels.CanVectorize(aligned, StridedMatrix.Packed(b, 64), StridedMatrix.Packed(c, 64)));
        Assert.False(GemmKernels.CanVectorize(shifted, StridedMatrix.Packed(b, 64), StridedMatrix.Packed(c, 64)));
        _conv.Gemm.StridedBatched(1, false, false, 64, 64, 64, 1f, shifted, StridedMatrix.Packed(b, 64), 0f, StridedMatrix.Packed(c, 64));
        _conv.Gemm.StridedBatched(1, false, false, 64, 64, 64, 1f, aligned, StridedMatrix.Packed(b, 64), 0f, StridedMatrix.Packed(c, 64));
        Assert.Equal(["sgemm_v2_tiled_nn", "sgemm_v2_tiled_nn_vec"], _gpu.Launches.Select(l => l.Kernel));
        Assert.Equal(new Dim3(1, 1, 1), _gpu.Launches[0].Config.Grid);
        Assert.Equal(new Dim3(GemmKernels.TiledBlockSize), _gpu.Launches[0].Config.Block);
    }

    [NvrtcFact]
    public void Steady_state_convolution_calls_allocate_nothing()
    {
        var gpu = new DryRunGpu(new RecordingGpu()); // hands out addresses, counts launches, runs nothing
        var conv = new ConvolutionKernels(new KernelLibrary(gpu, Compiler));
        using var x = new Tensor(gpu, new TensorShape(2, 4, 9, 9));
        using var w = new Tensor(gpu, new TensorShape(6, 4, 3, 3));
        using var bias = new Tensor(gpu, new TensorShape(6));
        using var y = new Tensor(gpu, new TensorShape(2, 6, 9, 9));
        using var dw = new Tensor(gpu, new TensorShape(6, 4, 3, 3));
        var p = new Conv2dParams(padding: 1);
        using var workspace = new DeviceBuffer<float>(gpu, 1 << 16);
        void Step()
        {
            conv.Forward(x, w, bias, y, p, ConvAlgorithm.Auto, workspace, ActivationParams.ReLU);
            conv.Forward(x, w, bias, y, p, ConvAlgorithm.Im2colGemm, workspace);
            conv.BackwardData(y, w, x, p, ConvAlgorithm.Winograd2x2, workspace);
            conv.BackwardFilter(x, y, dw, p, ConvAlgorithm.Im2colGemm, workspace);
            conv.BackwardBias(y, bias);
        }
        Step(); // compiles and resolves every kernel
        long before = GC.GetAllocatedBytesForCurrentThread();
        Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(34, gpu.Launches);
    }
}
