using CudaCnn.Native;
using CudaCnn.Ops;
using CudaCnn.Oracle;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Oracle;

/// <summary>
/// The checks the cuDNN and cuBLAS wrappers run before any native call, exercised on host-memory tensors (no GPU,
/// no libcudnn): a wrong shape, a tensor on another device or a too-small buffer throws, naming the argument, the
/// expected and the actual value.
/// </summary>
public sealed class OracleValidationTests : IDisposable
{
    private readonly HostMemoryDevice _device = new();
    private readonly HostMemoryDevice _other = new();
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in _owned) owned.Dispose();
        _device.Dispose();
        _other.Dispose();
    }

    private Tensor T(params int[] dims) => T(_device, dims);

    private Tensor T(IGpu device, params int[] dims)
    {
        var tensor = new Tensor(device, new TensorShape(dims));
        _owned.Add(tensor);
        return tensor;
    }

    private DeviceBuffer<float> B(long length, IGpu? device = null)
    {
        var buffer = new DeviceBuffer<float>(device ?? _device, length);
        _owned.Add(buffer);
        return buffer;
    }

    [Fact]
    public void A_convolution_geometry_is_checked_with_our_rules_before_cudnn()
    {
        var e = Assert.Throws<ArgumentException>(() => ConvShapes.Of(new TensorShape(2, 4, 9, 9), new TensorShape(6, 3, 3, 3), new Conv2dParams()));
        Assert.Contains("must have 4 input channels, got 3", e.Message);
        var rank = Assert.Throws<ArgumentException>(() => ConvShapes.Of(new TensorShape(2, 4, 9), new TensorShape(6, 4, 3, 3), new Conv2dParams()));
        Assert.Equal("x", rank.ParamName);
        Assert.Throws<ArgumentException>(() => ConvShapes.Of(new TensorShape(1, 3, 2, 2), new TensorShape(4, 3, 3, 3), new Conv2dParams()));
    }

    [Fact]
    public void Convolution_tensors_must_have_the_shapes_it_was_built_for()
    {
        var shapes = ConvShapes.Of(new TensorShape(2, 4, 9, 9), new TensorShape(6, 4, 3, 3), new Conv2dParams(padding: 1));
        Assert.Equal(new TensorShape(2, 6, 9, 9), shapes.Y);

        var e = Assert.Throws<ArgumentException>(() => shapes.CheckForward(_device, T(2, 4, 9, 9), T(6, 4, 3, 3), null, T(2, 6, 7, 7)));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("must be [2,6,9,9]", e.Message);
        Assert.Contains("got [2,6,7,7]", e.Message);

        var bias = Assert.Throws<ArgumentException>(() => shapes.CheckForward(_device, T(2, 4, 9, 9), T(6, 4, 3, 3), T(5), T(2, 6, 9, 9)));
        Assert.Equal("bias", bias.ParamName);
        Assert.Contains("6 elements", bias.Message);

        var dx = Assert.Throws<ArgumentException>(() => shapes.CheckBackwardData(_device, T(2, 6, 9, 9), T(6, 4, 3, 3), T(2, 4, 9, 8)));
        Assert.Equal("dx", dx.ParamName);
        var dw = Assert.Throws<ArgumentException>(() => shapes.CheckBackwardFilter(_device, T(2, 4, 9, 9), T(2, 6, 9, 9), T(6, 4, 1, 1)));
        Assert.Equal("dWeight", dw.ParamName);
        var db = Assert.Throws<ArgumentException>(() => shapes.CheckBackwardBias(_device, T(2, 6, 9, 9), T(4)));
        Assert.Equal("dBias", db.ParamName);

        shapes.CheckForward(_device, T(2, 4, 9, 9), T(6, 4, 3, 3), T(6), T(2, 6, 9, 9)); // the right shapes pass
    }

    [Fact]
    public void A_tensor_on_another_device_is_refused_by_name()
    {
        var shapes = ConvShapes.Of(new TensorShape(1, 2, 5, 5), new TensorShape(3, 2, 3, 3), new Conv2dParams());
        var e = Assert.Throws<ArgumentException>(() => shapes.CheckForward(_device, T(_other, 1, 2, 5, 5), T(3, 2, 3, 3), null, T(1, 3, 3, 3)));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("the device of the handle", e.Message);
    }

    [Fact]
    public void Pooling_checks_the_output_and_gradient_shapes()
    {
        var p = new Pool2dParams(3, stride: 2);
        var e = Assert.Throws<ArgumentException>(() => CudnnLayers.CheckPoolingForward(_device, T(2, 3, 13, 11), p, PoolingKind.Max, T(2, 3, 6, 6)));
        Assert.Contains("must be [2,3,6,5]", e.Message);
        var dx = Assert.Throws<ArgumentException>(() =>
            CudnnLayers.CheckPoolingBackward(_device, T(2, 3, 6, 5), T(2, 3, 6, 5), T(2, 3, 13, 11), p, PoolingKind.Average, T(2, 3, 13, 12)));
        Assert.Equal("dx", dx.ParamName);
        var args = CudnnLayers.CheckPoolingForward(_device, T(2, 3, 13, 11), p, PoolingKind.Max, T(2, 3, 6, 5));
        Assert.Equal(3, args.WindowH);
    }

    [Fact]
    public void Lrn_and_activation_refuse_unsupported_parameters_before_looking_at_tensors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CudnnLayers.CheckLrn(_device, "lrn", new LrnParams(size: 20), (T(1, 3, 2, 2), "x")));
        Assert.Throws<NotSupportedException>(() =>
            CudnnLayers.CheckActivation(_device, "act", new ActivationParams(ActivationKind.LeakyReLU), (T(4), "x"), (T(4), "y")));
        var e = Assert.Throws<ArgumentException>(() =>
            CudnnLayers.CheckActivation(_device, "act", ActivationParams.ReLU, (T(2, 3), "x"), (T(3, 2), "y")));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("x's shape", e.Message);
    }

    [Fact]
    public void Batch_norm_parameters_must_have_one_value_per_channel()
    {
        var x = T(2, 4, 3, 3);
        var e = Assert.Throws<ArgumentException>(() =>
            CudnnLayers.CheckBatchNormForward(_device, x, T(4), T(4), T(4), T(3), new BatchNormParams(), T(2, 4, 3, 3), T(4), T(4)));
        Assert.Equal("runningVar", e.ParamName);
        Assert.Contains("4 elements", e.Message);
        var backward = Assert.Throws<ArgumentException>(() =>
            CudnnLayers.CheckBatchNormBackward(_device, T(2, 4, 3, 3), x, T(4), T(4), T(4), new BatchNormParams(), T(2, 4, 3, 3), T(4), T(5)));
        Assert.Equal("dBeta", backward.ParamName);
    }

    [Fact]
    public void Gemm_checks_sizes_and_buffers()
    {
        var m0 = Assert.Throws<ArgumentOutOfRangeException>(() => CublasGemm.Check(_device, false, false, 0, 2, 2, B(4), B(4), B(4)));
        Assert.Equal("m", m0.ParamName);
        var a = Assert.Throws<ArgumentException>(() => CublasGemm.Check(_device, true, false, 3, 4, 5, B(14), B(20), B(12)));
        Assert.Equal("a", a.ParamName);
        Assert.Contains("at least 15", a.Message);
        Assert.Contains("k x m = 5 x 3", a.Message);
        Assert.Contains("got 14", a.Message);
        var c = Assert.Throws<ArgumentException>(() => CublasGemm.Check(_device, false, false, 3, 4, 5, B(15), B(20), B(12, _other)));
        Assert.Equal("c", c.ParamName);
        Assert.Equal(new CublasGemmPlan(CublasOperation.N, CublasOperation.N, 4, 3, 5, 4, 5, 4),
            CublasGemm.Check(_device, false, false, 3, 4, 5, B(15), B(20), B(12)));
    }
}
