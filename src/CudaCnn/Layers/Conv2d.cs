using CudaCnn.Graph;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Layers;

/// <summary>2-D convolution (cross-correlation) as torch.nn.Conv2d: weight [out, in / groups, k, k], optional bias [out].</summary>
public sealed class Conv2d : Layer
{
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, ParameterInit init = ParameterInit.KaimingNormal)
    {
        WindowGeometryChecks.Positive(inChannels, nameof(inChannels), nameof(Conv2d));
        WindowGeometryChecks.Positive(outChannels, nameof(outChannels), nameof(Conv2d));
        WindowGeometryChecks.Positive(kernelSize, nameof(kernelSize), nameof(Conv2d));
        Params = new Conv2dParams(stride, padding, dilation, groups);
        (InChannels, OutChannels, KernelSize) = (inChannels, outChannels, kernelSize);
        var shape = Params.WeightShape(inChannels, outChannels, kernelSize, kernelSize);
        long fanIn = shape.Elements / outChannels;
        Weight = new Parameter(shape, init, fanIn);
        Bias = bias ? new Parameter(new TensorShape(outChannels), init == ParameterInit.Uniform ? ParameterInit.Uniform : ParameterInit.Zeros, fanIn) : null;
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public Conv2dParams Params { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    protected override IEnumerable<(string, Parameter)> OwnParameters =>
        Bias is null ? [("weight", Weight)] : [("weight", Weight), ("bias", Bias)];

    public override TensorShape InferShape(TensorShape x)
    {
        RequireNchw(x, nameof(Conv2d));
        if (x.C != InChannels)
            throw new ArgumentException($"Conv2d.Forward: x has {x.C} channels, weight expects {InChannels} (x: {x}, weight: {Weight.Shape})", nameof(x));
        return Params.OutputShape(x, Weight.Shape);
    }

    protected override void Forward(Tensor x, Tensor y) => Ops.ConvForward(x, Weight.Value, Bias?.Value, Params, y);

    protected override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (Weight.RequiresGrad) Ops.ConvBackwardFilter(x, dy, Params, Weight.Grad);
        if (Bias is { RequiresGrad: true }) Ops.ConvBackwardBias(dy, Bias.Grad);
        if (dx is not null) Ops.ConvBackwardData(dy, Weight.Value, Params, dx);
    }
}

/// <summary>Constructor argument checks shared by the layers.</summary>
internal static class WindowGeometryChecks
{
    public static void Positive(int value, string name, string owner)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{owner}: {name} must be positive, got {value}");
    }
}
