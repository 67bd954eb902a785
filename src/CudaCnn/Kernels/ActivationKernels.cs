using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// Launchers for kernels/activation.cu: activations forward and backward over flat buffers, and bias + activation
/// fused over NCHW tensors. Picks the float4 kernels when every buffer is 16-byte aligned (and, with a bias, when
/// H*W is a multiple of 4). Arguments are checked before any device call; launches allocate nothing.
/// </summary>
public sealed class ActivationKernels(KernelLibrary library)
{
    public const string FileName = "activation.cu";

    /// <summary>ACTIVATION_BLOCK, the __launch_bounds__ of every kernel in the file.</summary>
    public const uint BlockSize = 256;

    private readonly LayerLaunch _launch = new(library, FileName);
    private GpuKernel? _forward, _forwardVec4, _backward, _backwardVec4, _biasForward, _biasForwardVec4, _biasBackward;

    /// <summary>False forces the scalar kernels (tests cover both paths with it).</summary>
    internal bool UseVectorKernels { get; init; } = true;

    /// <summary>y = f(x) element-wise; the buffers are the same length; in place allowed.</summary>
    public void Forward(DeviceBuffer<float> y, DeviceBuffer<float> x, ActivationParams activation)
    {
        const string op = "Activation.Forward";
        ArgumentNullException.ThrowIfNull(activation);
        _launch.Device(op, x, nameof(x));
        _launch.Buffer(op, y, nameof(y), x.Length);
        if (x.Length == 0) return;
        bool vec4 = UseVectorKernels && LayerLaunch.Aligned16(y.Ptr, x.Ptr);
        var kernel = vec4 ? _launch.Kernel(ref _forwardVec4, "activation_forward_vec4") : _launch.Kernel(ref _forward, "activation_forward_f32");
        var args = new KernelArgs();
        args.Add(y);
        args.Add(x);
        args.Add(x.Length);
        AddActivation(ref args, activation);
        _launch.Gpu.Launch(kernel, _launch.GridStride(vec4 ? (x.Length + 3) / 4 : x.Length, BlockSize), args);
    }

    /// <summary>dx = dy * f'(x), x the forward input (written); the buffers are the same length; dx may alias dy.</summary>
    public void Backward(DeviceBuffer<float> dx, DeviceBuffer<float> dy, DeviceBuffer<float> x, ActivationParams activation)
    {
        const string op = "Activation.Backward";
        ArgumentNullException.ThrowIfNull(activation);
        _launch.Device(op, x, nameof(x));
        _launch.Buffer(op, dy, nameof(dy), x.Length);
        _launch.Buffer(op, dx, nameof(dx), x.Length);
        if (x.Length == 0) return;
        bool vec4 = UseVectorKernels && LayerLaunch.Aligned16(dx.Ptr, dy.Ptr, x.Ptr);
        var kernel = vec4 ? _launch.Kernel(ref _backwardVec4, "activation_backward_vec4") : _launch.Kernel(ref _backward, "activation_backward_f32");
        var args = new KernelArgs();
        args.Add(dx);
        args.Add(dy);
        args.Add(x);
        args.Add(x.Length);
        AddActivation(ref args, activation);
        _launch.Gpu.Launch(kernel, _launch.GridStride(vec4 ? (x.Length + 3) / 4 : x.Length, BlockSize), args);
    }

    /// <summary>y[n,c,h,w] = f(x[n,c,h,w] + bias[c]); x and y [N, C, H, W] (or [N, C]) of one shape, bias of C elements.</summary>
    public void BiasForward(Tensor y, Tensor x, DeviceBuffer<float> bias, ActivationParams activation)
    {
        const string op = "BiasActivation.Forward";
        ArgumentNullException.ThrowIfNull(activation);
        var shape = _launch.WithChannels(op, x, nameof(x));
        _launch.Tensor(op, y, nameof(y), shape, $"x: {shape}");
        _launch.Buffer(op, bias, nameof(bias), shape.C);
        long spatial = (long)shape.H * shape.W;
        bool vec4 = UseVectorKernels && spatial % 4 == 0 && LayerLaunch.Aligned16(y.Ptr, x.Ptr);
        var kernel = vec4
            ? _launch.Kernel(ref _biasForwardVec4, "bias_activation_forward_vec4")
            : _launch.Kernel(ref _biasForward, "bias_activation_forward_f32");
        var args = new KernelArgs();
        args.Add(y.Buffer);
        args.Add(x.Buffer);
        args.Add(bias);
        args.Add(shape.Elements);
        args.Add(shape.C);
        args.Add(spatial);
        AddActivation(ref args, activation);
        _launch.Gpu.Launch(kernel, _launch.GridStride(vec4 ? shape.Elements / 4 : shape.Elements, BlockSize), args);
    }

    /// <summary>dx = dy * f'(x + bias[c]) (written) and dbias[c] += sum over n, h, w of dx (accumulated), one block
    /// per channel with a fixed reduction order (bitwise reproducible).</summary>
    public void BiasBackward(Tensor dx, DeviceBuffer<float> dbias, Tensor dy, Tensor x, DeviceBuffer<float> bias,
        ActivationParams activation)
    {
        const string op = "BiasActivation.Backward";
        ArgumentNullException.ThrowIfNull(activation);
        var shape = _launch.WithChannels(op, x, nameof(x));
        _launch.Tensor(op, dy, nameof(dy), shape, $"x: {shape}");
        _launch.Tensor(op, dx, nameof(dx), shape, $"x: {shape}");
        _launch.Buffer(op, bias, nameof(bias), shape.C);
        _launch.Buffer(op, dbias, nameof(dbias), shape.C);
        var args = new KernelArgs();
        args.Add(dx.Buffer);
        args.Add(dbias);
        args.Add(dy.Buffer);
        args.Add(x.Buffer);
        args.Add(bias);
        args.Add(shape.N);
        args.Add(shape.C);
        args.Add((long)shape.H * shape.W);
        AddActivation(ref args, activation);
        var config = new LaunchConfig(new Dim3((uint)shape.C), new Dim3(BlockSize));
        _launch.Gpu.Launch(_launch.Kernel(ref _biasBackward, "bias_activation_backward"), config, args);
    }

    /// <summary>The kind as its ACT_* code (activation.cuh uses ActivationKind's values) and alpha as float.</summary>
    private static void AddActivation(ref KernelArgs args, ActivationParams activation)
    {
        args.Add((int)activation.Kind);
        args.Add((float)activation.Alpha);
    }
}
