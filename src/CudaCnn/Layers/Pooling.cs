using CudaCnn.Graph;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Layers;

/// <summary>Max pooling as torch.nn.MaxPool2d (stride defaults to the kernel size); the argmax of each window is kept
/// for the backward.</summary>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false) : Layer
{
    private DeviceBuffer<int>? _argmax;

    public Pool2dParams Params { get; } = new(kernelSize, stride, padding, ceilMode ? OutputRounding.Ceil : OutputRounding.Floor);

    public override TensorShape InferShape(TensorShape x)
    {
        RequireNchw(x, nameof(MaxPool2d));
        return Params.OutputShape(x);
    }

    protected override void Forward(Tensor x, Tensor y)
    {
        _argmax = Workspace.RentInts(y.Elements);
        Ops.MaxPoolForward(x, Params, y, _argmax);
    }

    internal override void PlanState(TensorShape x, TensorShape y, MemoryEstimate plan) => plan.AddActivation(y.Elements);

    protected override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) Ops.MaxPoolBackward(dy, _argmax!, Params, dx);
    }

    protected override void ReleaseState()
    {
        if (_argmax is not null) Workspace.Return(_argmax);
        _argmax = null;
    }
}

/// <summary>Average pooling as torch.nn.AvgPool2d (count_include_pad as PyTorch's default).</summary>
public sealed class AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true) : Layer
{
    public Pool2dParams Params { get; } =
        new(kernelSize, stride, padding, ceilMode ? OutputRounding.Ceil : OutputRounding.Floor, countIncludePad);

    public override TensorShape InferShape(TensorShape x)
    {
        RequireNchw(x, nameof(AvgPool2d));
        return Params.OutputShape(x);
    }

    protected override void Forward(Tensor x, Tensor y) => Ops.AvgPoolForward(x, Params, y);

    protected override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) Ops.AvgPoolBackward(dy, Params, dx);
    }
}

/// <summary>torch.nn.AdaptiveAvgPool2d for an output of 1x1 (global average pooling), the only size CNN heads use here.</summary>
public sealed class AdaptiveAvgPool2d : Layer
{
    public AdaptiveAvgPool2d(int outputSize)
    {
        if (outputSize != 1)
            throw new ArgumentOutOfRangeException(nameof(outputSize), outputSize, "AdaptiveAvgPool2d: only output size 1 (global average pooling) is supported");
    }

    public override TensorShape InferShape(TensorShape x)
    {
        RequireNchw(x, nameof(AdaptiveAvgPool2d));
        return new TensorShape(x.N, x.C, 1, 1);
    }

    protected override void Forward(Tensor x, Tensor y) => Ops.GlobalAvgPoolForward(x, y);

    protected override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) Ops.GlobalAvgPoolBackward(dy, dx);
    }
}
