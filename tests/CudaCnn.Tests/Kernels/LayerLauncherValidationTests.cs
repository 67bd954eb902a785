using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Runtime;
using CudaCnn.Tests.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

/// <summary>Bad arguments to the layer launchers fail with a message naming the operation, the argument and the
/// shapes, before any device call; good ones launch with the geometry the kernels expect.</summary>
public sealed class LayerLauncherValidationTests : IDisposable
{
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);
    private readonly RecordingGpu _gpu = new();
    private readonly KernelLibrary _library;

    public LayerLauncherValidationTests() => _library = new KernelLibrary(_gpu, Compiler);

    private readonly List<IDisposable> _owned = [];

    private Tensor T(params int[] dims) => Own(new Tensor(_gpu, new TensorShape(dims)));
    private DeviceBuffer<float> B(long n) => Own(new DeviceBuffer<float>(_gpu, n));

    private TItem Own<TItem>(TItem item) where TItem : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    public void Dispose()
    {
        foreach (var item in _owned) item.Dispose();
        _library.Dispose();
    }

    /// <summary>Asserts <paramref name="act"/> throws T without touching device memory or launching (the test's own
    /// tensors are allocated inside it, so allocations do not count).</summary>
    private T Throws<T>(Action act) where T : Exception
    {
        int before = DeviceWork();
        var error = Assert.Throws<T>(act);
        Assert.Equal(before, DeviceWork());
        return error;
    }

    private int DeviceWork() => _gpu.Calls.Count(c => c is not (nameof(RecordingGpu.Allocate) or nameof(RecordingGpu.Free)));

    [Fact]
    public void Pooling_output_of_the_wrong_shape_names_the_geometry()
    {
        var kernels = new PoolingKernels(_library);
        var error = Throws<ArgumentException>(() => kernels.AvgForward(T(2, 3, 55, 55), new Pool2dParams(3, stride: 2), T(2, 3, 28, 28)));
        Assert.Equal("y", error.ParamName);
        Assert.Contains("AvgPool2d.Forward: y has shape [2,3,28,28], expected [2,3,27,27]", error.Message);
        Assert.Contains("3x3 window, stride 2x2", error.Message);
    }

    [Fact]
    public void Pooling_geometry_that_does_not_fit_is_rejected()
    {
        var kernels = new PoolingKernels(_library);
        using var argmax = new DeviceBuffer<int>(_gpu, 4);
        var error = Throws<ArgumentException>(() => kernels.MaxForward(T(1, 1, 7, 7), new Pool2dParams(3, stride: 3, rounding: OutputRounding.Exact), T(1, 1, 2, 2), argmax));
        Assert.Contains("does not fit a 7x7 input", error.Message);
    }

    [Fact]
    public void A_short_argmax_buffer_is_rejected()
    {
        var kernels = new PoolingKernels(_library);
        using var argmax = new DeviceBuffer<int>(_gpu, 3);
        var error = Throws<ArgumentException>(() => kernels.MaxBackward(T(1, 1, 2, 2), argmax, new Pool2dParams(2), T(1, 1, 4, 4)));
        Assert.Equal("argmax", error.ParamName);
        Assert.Contains("argmax has 3 elements, expected 4", error.Message);
    }

    [Fact]
    public void A_bias_of_the_wrong_length_is_rejected()
    {
        var kernels = new ActivationKernels(_library);
        var error = Throws<ArgumentException>(() => kernels.BiasForward(T(2, 5, 3, 3), T(2, 5, 3, 3), B(4), ActivationParams.ReLU));
        Assert.Equal("bias", error.ParamName);
        Assert.Contains("BiasActivation.Forward: bias has 4 elements, expected 5", error.Message);
    }

    [Fact]
    public void Batch_norm_training_with_one_value_per_channel_is_rejected()
    {
        var kernels = new BatchNormKernels(_library);
        var error = Throws<ArgumentException>(() => kernels.ForwardTraining(T(1, 3, 1, 1), B(3), B(3), B(3), B(3), new BatchNormParams(), T(1, 3, 1, 1), B(3), B(3)));
        Assert.Equal("x", error.ParamName);
        Assert.Contains("at least 2", error.Message);
    }

    [Fact]
    public void Lrn_in_place_is_rejected()
    {
        var kernels = new LrnKernels(_library);
        var x = T(1, 8, 3, 3);
        var error = Throws<ArgumentException>(() => kernels.Forward(x, new LrnParams(), x, T(1, 8, 3, 3)));
        Assert.Contains("Lrn.Forward: y and x are the same memory", error.Message);
        var dy = T(1, 8, 3, 3);
        error = Throws<ArgumentException>(() => kernels.Backward(dy, T(1, 8, 3, 3), T(1, 8, 3, 3), T(1, 8, 3, 3), new LrnParams(), dy));
        Assert.Contains("Lrn.Backward: dy and dx are the same memory", error.Message);
    }

    [Fact]
    public void Softmax_over_spatial_logits_is_rejected()
    {
        var kernels = new SoftmaxKernels(_library);
        var error = Throws<ArgumentException>(() => kernels.Forward(T(2, 10, 3, 3), T(2, 10, 3, 3)));
        Assert.Contains("must be [N, K] or [N, K, 1, 1]", error.Message);
    }

    [Fact]
    public void Concat_parts_that_do_not_add_up_are_rejected()
    {
        var kernels = new ConcatKernels(_library);
        var error = Throws<ArgumentException>(() => kernels.Forward(T(2, 5, 4, 4), T(2, 2, 4, 4), T(2, 2, 4, 4)));
        Assert.Contains("the parts have 4 channels in all, y has 5", error.Message);
        error = Throws<ArgumentException>(() => kernels.Forward(T(2, 4, 4, 4), T(2, 2, 4, 4), T(2, 2, 4, 3)));
        Assert.Contains("parts[1] has shape [2,2,4,3]", error.Message);
    }

    [Fact]
    public void Momentum_without_a_buffer_and_a_zero_step_are_rejected()
    {
        var kernels = new OptimizerKernels(_library);
        var error = Throws<ArgumentNullException>(() => kernels.Sgd(B(8), B(8), null, new SgdParams(0.1, momentum: 0.9), step: 1));
        Assert.Equal("momentumBuffer", error.ParamName);
        Throws<ArgumentOutOfRangeException>(() => kernels.Adam(B(8), B(8), B(8), B(8), new AdamParams(), step: 0));
        var mismatch = Throws<ArgumentException>(() => kernels.RmsProp(B(8), B(7), B(8), null, new RmsPropParams()));
        Assert.Contains("RmsProp.Step: gradients has 7 elements, expected 8", mismatch.Message);
    }

    [Fact]
    public void Buffers_of_another_device_are_rejected()
    {
        var kernels = new DropoutKernels(_library);
        using var foreign = new DeviceBuffer<float>(new RecordingGpu(name: "other"), 8);
        var error = Throws<ArgumentException>(() => kernels.Forward(B(8), foreign, new DropoutParams(0.5f, 1), training: true));
        Assert.Equal("x", error.ParamName);
        Assert.Contains("x lives on other", error.Message);
    }

    [NvrtcFact]
    public void Max_backward_scatters_only_without_overlap_and_zero_fills_first()
    {
        var kernels = new PoolingKernels(_library);
        using var argmax = new DeviceBuffer<int>(_gpu, 2 * 3 * 4 * 4);
        kernels.MaxBackward(T(2, 3, 4, 4), argmax, new Pool2dParams(2), T(2, 3, 8, 8));
        Assert.Equal("max_pool2d_backward_scatter", _gpu.Launches[^1].Kernel);
        int fill = _gpu.Calls.LastIndexOf(nameof(RecordingGpu.Fill32)), launch = _gpu.Calls.LastIndexOf(nameof(RecordingGpu.Launch));
        Assert.InRange(fill, 0, launch - 1);

        using var overlapping = new DeviceBuffer<int>(_gpu, 2 * 3 * 3 * 3);
        kernels.MaxBackward(T(2, 3, 3, 3), overlapping, new Pool2dParams(3, stride: 2), T(2, 3, 7, 7));
        Assert.Equal("max_pool2d_backward_gather", _gpu.Launches[^1].Kernel);
    }

    [NvrtcFact]
    public void Vector_kernels_are_chosen_only_for_aligned_buffers_and_whole_float4_channels()
    {
        var kernels = new ActivationKernels(_library);
        kernels.BiasForward(T(2, 3, 4, 4), T(2, 3, 4, 4), B(3), ActivationParams.ReLU);
        Assert.Equal("bias_activation_forward_vec4", _gpu.Launches[^1].Kernel);
        kernels.BiasForward(T(2, 3, 3, 3), T(2, 3, 3, 3), B(3), ActivationParams.ReLU);
        Assert.Equal("bias_activation_forward_f32", _gpu.Launches[^1].Kernel);
        Assert.True(LayerLaunch.Aligned16(new DevicePtr(0x1000), new DevicePtr(0x2010)));
        Assert.False(LayerLaunch.Aligned16(new DevicePtr(0x1000), new DevicePtr(0x2004)));
    }
}
