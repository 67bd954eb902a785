using CudaCnn.Native;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Oracle;

/// <summary>
/// cuDNN's pooling, LRN, activation, batch normalization (spatial, training) and softmax on a handle's stream,
/// taking our tensors and <see cref="Ops"/> parameter records. Outputs and input gradients are written; batch-norm
/// parameter gradients accumulate (+=), as <see cref="IOps.BatchNormBackward"/>. Descriptors are built per call
/// from <see cref="CudnnArgs"/> (host-only objects) and every tensor is checked first by the static Check methods.
/// </summary>
public sealed unsafe class CudnnLayers(CudnnHandle handle)
{
    private readonly CudnnHandle _handle = handle ?? throw new ArgumentNullException(nameof(handle));

    public CudnnHandle Handle => _handle;

    public void PoolingForward(Tensor x, Pool2dParams p, PoolingKind kind, Tensor y)
    {
        var args = CheckPoolingForward(_handle.Gpu, x, p, kind, y);
        using var pool = new CudnnPoolingDescriptor(args);
        using var xd = Describe(x);
        using var yd = Describe(y);
        float one = 1f, zero = 0f;
        Cudnn.Check(Cudnn.PoolingForward(_handle.Value, pool.Value, &one, xd.Value, x.Ptr.Address, &zero, yd.Value, y.Ptr.Address), "cudnnPoolingForward");
    }

    /// <summary>cuDNN's pooling backward needs the forward's y and x besides dy.</summary>
    public void PoolingBackward(Tensor y, Tensor dy, Tensor x, Pool2dParams p, PoolingKind kind, Tensor dx)
    {
        var args = CheckPoolingBackward(_handle.Gpu, y, dy, x, p, kind, dx);
        using var pool = new CudnnPoolingDescriptor(args);
        using var xd = Describe(x);
        using var yd = Describe(y);
        float one = 1f, zero = 0f;
        Cudnn.Check(Cudnn.PoolingBackward(_handle.Value, pool.Value, &one, yd.Value, y.Ptr.Address, yd.Value, dy.Ptr.Address,
            xd.Value, x.Ptr.Address, &zero, xd.Value, dx.Ptr.Address), "cudnnPoolingBackward");
    }

    public void LrnForward(Tensor x, LrnParams p, Tensor y)
    {
        var args = CheckLrn(_handle.Gpu, "cuDNN LRN forward", p, (x, nameof(x)), (y, nameof(y)));
        using var lrn = new CudnnLrnDescriptor(args);
        using var xd = Describe(x);
        float one = 1f, zero = 0f;
        Cudnn.Check(Cudnn.LRNCrossChannelForward(_handle.Value, lrn.Value, CudnnLrnMode.CrossChannelDim1, &one, xd.Value, x.Ptr.Address,
            &zero, xd.Value, y.Ptr.Address), "cudnnLRNCrossChannelForward");
    }

    public void LrnBackward(Tensor y, Tensor dy, Tensor x, LrnParams p, Tensor dx)
    {
        var args = CheckLrn(_handle.Gpu, "cuDNN LRN backward", p, (x, nameof(x)), (y, nameof(y)), (dy, nameof(dy)), (dx, nameof(dx)));
        using var lrn = new CudnnLrnDescriptor(args);
        using var xd = Describe(x);
        float one = 1f, zero = 0f;
        Cudnn.Check(Cudnn.LRNCrossChannelBackward(_handle.Value, lrn.Value, CudnnLrnMode.CrossChannelDim1, &one, xd.Value, y.Ptr.Address,
            xd.Value, dy.Ptr.Address, xd.Value, x.Ptr.Address, &zero, xd.Value, dx.Ptr.Address), "cudnnLRNCrossChannelBackward");
    }

    public void ActivationForward(Tensor x, ActivationParams a, Tensor y)
    {
        var args = CheckActivation(_handle.Gpu, "cuDNN activation forward", a, (x, nameof(x)), (y, nameof(y)));
        using var act = new CudnnActivationDescriptor(args);
        using var xd = Describe(x);
        float one = 1f, zero = 0f;
        Cudnn.Check(Cudnn.ActivationForward(_handle.Value, act.Value, &one, xd.Value, x.Ptr.Address, &zero, xd.Value, y.Ptr.Address),
            "cudnnActivationForward");
    }

    public void ActivationBackward(Tensor y, Tensor dy, Tensor x, ActivationParams a, Tensor dx)
    {
        var args = CheckActivation(_handle.Gpu, "cuDNN activation backward", a, (x, nameof(x)), (y, nameof(y)), (dy, nameof(dy)), (dx, nameof(dx)));
        using var act = new CudnnActivationDescriptor(args);
        using var xd = Describe(x);
        float one = 1f, zero = 0f;
        Cudnn.Check(Cudnn.ActivationBackward(_handle.Value, act.Value, &one, xd.Value, y.Ptr.Address, xd.Value, dy.Ptr.Address,
            xd.Value, x.Ptr.Address, &zero, xd.Value, dx.Ptr.Address), "cudnnActivationBackward");
    }

    /// <summary>Spatial batch norm with batch statistics; running statistics updated with factor
    /// <see cref="BatchNormParams.Momentum"/>; saveMean/saveInvStd (1/sqrt(var + eps)) kept for the backward.</summary>
    public void BatchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        BatchNormParams p, Tensor y, Tensor saveMean, Tensor saveInvStd)
    {
        CheckBatchNormForward(_handle.Gpu, x, gamma, beta, runningMean, runningVar, p, y, saveMean, saveInvStd);
        using var xd = Describe(x);
        using var cd = new CudnnTensorDescriptor(CudnnArgs.Channels(x.Shape.C));
        float one = 1f, zero = 0f;
        Cudnn.Check(Cudnn.BatchNormalizationForwardTraining(_handle.Value, CudnnBatchNormMode.Spatial, &one, &zero, xd.Value, x.Ptr.Address,
            xd.Value, y.Ptr.Address, cd.Value, gamma.Ptr.Address, beta.Ptr.Address, p.Momentum, runningMean.Ptr.Address,
            runningVar.Ptr.Address, p.Epsilon, saveMean.Ptr.Address, saveInvStd.Ptr.Address), "cudnnBatchNormalizationForwardTraining");
    }

    /// <summary>dx written; dGamma and dBeta accumulated (+=).</summary>
    public void BatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, BatchNormParams p,
        Tensor dx, Tensor dGamma, Tensor dBeta)
    {
        CheckBatchNormBackward(_handle.Gpu, dy, x, gamma, saveMean, saveInvStd, p, dx, dGamma, dBeta);
        using var xd = Describe(x);
        using var cd = new CudnnTensorDescriptor(CudnnArgs.Channels(x.Shape.C));
        float one = 1f, zero = 0f;
        Cudnn.Check(Cudnn.BatchNormalizationBackward(_handle.Value, CudnnBatchNormMode.Spatial, &one, &zero, &one, &one,
            xd.Value, x.Ptr.Address, xd.Value, dy.Ptr.Address, xd.Value, dx.Ptr.Address, cd.Value, gamma.Ptr.Address,
            dGamma.Ptr.Address, dBeta.Ptr.Address, p.Epsilon, saveMean.Ptr.Address, saveInvStd.Ptr.Address), "cudnnBatchNormalizationBackward");
    }

    /// <summary>y = softmax over C x H x W of each image (CUDNN_SOFTMAX_ACCURATE, MODE_INSTANCE): for [N, K] logits,
    /// the softmax of each row. With <paramref name="log"/>, y = log-softmax (CUDNN_SOFTMAX_LOG).</summary>
    public void SoftmaxForward(Tensor x, Tensor y, bool log = false)
    {
        CheckSameShapes(_handle.Gpu, "cuDNN softmax forward", (x, nameof(x)), (y, nameof(y)));
        using var xd = Describe(x);
        float one = 1f, zero = 0f;
        Cudnn.Check(Cudnn.SoftmaxForward(_handle.Value, SoftmaxAlgorithm(log), CudnnSoftmaxMode.Instance, &one, xd.Value, x.Ptr.Address,
            &zero, xd.Value, y.Ptr.Address), "cudnnSoftmaxForward");
    }

    /// <summary>dx = the softmax's (or log-softmax's) input gradient from its output y and dy (cuDNN does not need x).</summary>
    public void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx, bool log = false)
    {
        CheckSameShapes(_handle.Gpu, "cuDNN softmax backward", (y, nameof(y)), (dy, nameof(dy)), (dx, nameof(dx)));
        using var yd = Describe(y);
        float one = 1f, zero = 0f;
        Cudnn.Check(Cudnn.SoftmaxBackward(_handle.Value, SoftmaxAlgorithm(log), CudnnSoftmaxMode.Instance, &one, yd.Value, y.Ptr.Address,
            yd.Value, dy.Ptr.Address, &zero, yd.Value, dx.Ptr.Address), "cudnnSoftmaxBackward");
    }

    internal static PoolingDescriptorArgs CheckPoolingForward(IGpu device, Tensor x, Pool2dParams p, PoolingKind kind, Tensor y)
    {
        const string op = "cuDNN pooling forward";
        var args = CudnnArgs.Pooling(p, kind);
        OracleValidation.Rank4(op, device, x, nameof(x));
        OracleValidation.Shape(op, device, y, nameof(y), p.OutputShape(x.Shape), $"x: {x.Shape}");
        return args;
    }

    internal static PoolingDescriptorArgs CheckPoolingBackward(IGpu device, Tensor y, Tensor dy, Tensor x, Pool2dParams p, PoolingKind kind, Tensor dx)
    {
        const string op = "cuDNN pooling backward";
        var args = CudnnArgs.Pooling(p, kind);
        OracleValidation.Rank4(op, device, x, nameof(x));
        var yShape = p.OutputShape(x.Shape);
        OracleValidation.Shape(op, device, y, nameof(y), yShape, $"x: {x.Shape}");
        OracleValidation.Shape(op, device, dy, nameof(dy), yShape, $"x: {x.Shape}");
        OracleValidation.Shape(op, device, dx, nameof(dx), x.Shape, "x's shape");
        return args;
    }

    internal static LrnDescriptorArgs CheckLrn(IGpu device, string op, LrnParams p, params (Tensor Tensor, string Name)[] tensors)
    {
        var args = CudnnArgs.Lrn(p);
        OracleValidation.Rank4(op, device, tensors[0].Tensor, tensors[0].Name);
        CheckSameShapes(device, op, tensors);
        return args;
    }

    internal static ActivationDescriptorArgs CheckActivation(IGpu device, string op, ActivationParams a, params (Tensor Tensor, string Name)[] tensors)
    {
        var args = CudnnArgs.Activation(a);
        CheckSameShapes(device, op, tensors);
        return args;
    }

    internal static void CheckBatchNormForward(IGpu device, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        BatchNormParams p, Tensor y, Tensor saveMean, Tensor saveInvStd)
    {
        const string op = "cuDNN batch norm forward";
        ArgumentNullException.ThrowIfNull(p);
        OracleValidation.Rank4(op, device, x, nameof(x));
        OracleValidation.Shape(op, device, y, nameof(y), x.Shape, "x's shape");
        int c = x.Shape.C;
        foreach (var (t, name) in new[] { (gamma, nameof(gamma)), (beta, nameof(beta)), (runningMean, nameof(runningMean)),
                     (runningVar, nameof(runningVar)), (saveMean, nameof(saveMean)), (saveInvStd, nameof(saveInvStd)) })
            OracleValidation.Channels(op, device, t, name, c, $"one per channel of x {x.Shape}");
    }

    internal static void CheckBatchNormBackward(IGpu device, Tensor dy, Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd,
        BatchNormParams p, Tensor dx, Tensor dGamma, Tensor dBeta)
    {
        const string op = "cuDNN batch norm backward";
        ArgumentNullException.ThrowIfNull(p);
        OracleValidation.Rank4(op, device, x, nameof(x));
        OracleValidation.Shape(op, device, dy, nameof(dy), x.Shape, "x's shape");
        OracleValidation.Shape(op, device, dx, nameof(dx), x.Shape, "x's shape");
        int c = x.Shape.C;
        foreach (var (t, name) in new[] { (gamma, nameof(gamma)), (saveMean, nameof(saveMean)), (saveInvStd, nameof(saveInvStd)),
                     (dGamma, nameof(dGamma)), (dBeta, nameof(dBeta)) })
            OracleValidation.Channels(op, device, t, name, c, $"one per channel of x {x.Shape}");
    }

    /// <summary>Every tensor on the device, and of the first one's shape.</summary>
    internal static void CheckSameShapes(IGpu device, string op, params (Tensor Tensor, string Name)[] tensors)
    {
        OracleValidation.On(op, device, tensors[0].Tensor, tensors[0].Name);
        var shape = tensors[0].Tensor.Shape;
        foreach (var (tensor, name) in tensors.Skip(1))
            OracleValidation.Shape(op, device, tensor, name, shape, $"{tensors[0].Name}'s shape");
    }

    private static CudnnSoftmaxAlgorithm SoftmaxAlgorithm(bool log) => log ? CudnnSoftmaxAlgorithm.Log : CudnnSoftmaxAlgorithm.Accurate;

    private static CudnnTensorDescriptor Describe(Tensor t) => new(CudnnArgs.Tensor(t.Shape));
}
