using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Kernels;

/// <summary>
/// Launchers for kernels/batchnorm.cu: spatial batch normalization over NCHW tensors with per-channel vectors
/// (gamma, beta, running and saved statistics: C elements each). Training forward and backward run one block per
/// channel with fixed reduction trees, so repeated runs give identical bits. Arguments are checked before any
/// device call.
/// </summary>
public sealed class BatchNormKernels(KernelLibrary library)
{
    public const string FileName = "batchnorm.cu";

    /// <summary>BN_BLOCK, the __launch_bounds__ of every kernel in the file.</summary>
    public const uint BlockSize = 256;

    private readonly LayerLaunch _launch = new(library, FileName);
    private GpuKernel? _training, _inference, _backward;

    /// <summary>Normalizes with the batch statistics: writes y, saveMean and saveInvStd (1 / sqrt(var + eps)), updates
    /// runningMean and runningVar (unbiased) with p.Momentum. Needs N*H*W &gt;= 2 (an unbiased variance).</summary>
    public void ForwardTraining(Tensor x, DeviceBuffer<float> gamma, DeviceBuffer<float> beta,
        DeviceBuffer<float> runningMean, DeviceBuffer<float> runningVar, BatchNormParams p, Tensor y,
        DeviceBuffer<float> saveMean, DeviceBuffer<float> saveInvStd)
    {
        const string op = "BatchNorm.ForwardTraining";
        ArgumentNullException.ThrowIfNull(p);
        var shape = _launch.WithChannels(op, x, nameof(x));
        _launch.Tensor(op, y, nameof(y), shape, $"x: {shape}");
        ChannelVectors(op, shape, (gamma, nameof(gamma)), (beta, nameof(beta)), (runningMean, nameof(runningMean)),
            (runningVar, nameof(runningVar)), (saveMean, nameof(saveMean)), (saveInvStd, nameof(saveInvStd)));
        long perChannel = (long)shape.N * shape.H * shape.W;
        if (perChannel < 2)
            throw new ArgumentException($"{op}: x {shape} has {perChannel} value per channel; training needs at least 2 for the unbiased running variance", nameof(x));
        var args = new KernelArgs();
        args.Add(y.Buffer);
        args.Add(saveMean);
        args.Add(saveInvStd);
        args.Add(runningMean);
        args.Add(runningVar);
        args.Add(x.Buffer);
        args.Add(gamma);
        args.Add(beta);
        args.Add(shape.N);
        args.Add(shape.C);
        args.Add((long)shape.H * shape.W);
        args.Add((float)p.Epsilon);
        args.Add((float)p.Momentum);
        _launch.Gpu.Launch(_launch.Kernel(ref _training, "batchnorm_forward_training"), PerChannel(shape), args);
    }

    /// <summary>Normalizes with the running statistics: y = gamma * (x - runningMean) / sqrt(runningVar + eps) + beta.</summary>
    public void ForwardInference(Tensor x, DeviceBuffer<float> gamma, DeviceBuffer<float> beta,
        DeviceBuffer<float> runningMean, DeviceBuffer<float> runningVar, BatchNormParams p, Tensor y)
    {
        const string op = "BatchNorm.ForwardInference";
        ArgumentNullException.ThrowIfNull(p);
        var shape = _launch.WithChannels(op, x, nameof(x));
        _launch.Tensor(op, y, nameof(y), shape, $"x: {shape}");
        ChannelVectors(op, shape, (gamma, nameof(gamma)), (beta, nameof(beta)), (runningMean, nameof(runningMean)),
            (runningVar, nameof(runningVar)));
        var args = new KernelArgs();
        args.Add(y.Buffer);
        args.Add(x.Buffer);
        args.Add(gamma);
        args.Add(beta);
        args.Add(runningMean);
        args.Add(runningVar);
        args.Add(shape.Elements);
        args.Add(shape.C);
        args.Add((long)shape.H * shape.W);
        args.Add((float)p.Epsilon);
        _launch.Gpu.Launch(_launch.Kernel(ref _inference, "batchnorm_forward_inference"), _launch.GridStride(shape.Elements, BlockSize), args);
    }

    /// <summary>dx (written), dgamma and dbeta (accumulated) from the statistics the training forward saved.</summary>
    public void Backward(Tensor dy, Tensor x, DeviceBuffer<float> gamma, DeviceBuffer<float> saveMean,
        DeviceBuffer<float> saveInvStd, Tensor dx, DeviceBuffer<float> dgamma, DeviceBuffer<float> dbeta)
    {
        const string op = "BatchNorm.Backward";
        var shape = _launch.WithChannels(op, x, nameof(x));
        _launch.Tensor(op, dy, nameof(dy), shape, $"x: {shape}");
        _launch.Tensor(op, dx, nameof(dx), shape, $"x: {shape}");
        ChannelVectors(op, shape, (gamma, nameof(gamma)), (saveMean, nameof(saveMean)), (saveInvStd, nameof(saveInvStd)),
            (dgamma, nameof(dgamma)), (dbeta, nameof(dbeta)));
        var args = new KernelArgs();
        args.Add(dx.Buffer);
        args.Add(dgamma);
        args.Add(dbeta);
        args.Add(dy.Buffer);
        args.Add(x.Buffer);
        args.Add(gamma);
        args.Add(saveMean);
        args.Add(saveInvStd);
        args.Add(shape.N);
        args.Add(shape.C);
        args.Add((long)shape.H * shape.W);
        _launch.Gpu.Launch(_launch.Kernel(ref _backward, "batchnorm_backward"), PerChannel(shape), args);
    }

    private static LaunchConfig PerChannel(TensorShape shape) => new(new Dim3((uint)shape.C), new Dim3(BlockSize));

    private void ChannelVectors(string op, TensorShape shape, params ReadOnlySpan<(DeviceBuffer<float> Buffer, string Name)> vectors)
    {
        foreach (var (buffer, name) in vectors) _launch.Buffer(op, buffer, name, shape.C);
    }
}
