using CudaCnn.Graph;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Layers;

/// <summary>2-D convolution (cross-correlation) as torch.nn.Conv2d: weight [out, in / groups, k, k], optional bias [out].
/// <paramref name="algorithm"/> computes the forward and backward-data passes; the filter gradient uses it too, except
/// that Winograd has no backward-filter pass and uses im2col+GEMM (<see cref="FilterAlgorithm"/>). An algorithm that
/// cannot compute this geometry is refused here, when the model is declared.</summary>
public sealed class Conv2d : Layer
{
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, ParameterInit init = ParameterInit.KaimingNormal, ConvAlgorithm algorithm = ConvAlgorithm.Auto)
    {
        WindowGeometryChecks.Positive(inChannels, nameof(inChannels), nameof(Conv2d));
        WindowGeometryChecks.Positive(outChannels, nameof(outChannels), nameof(Conv2d));
        WindowGeometryChecks.Positive(kernelSize, nameof(kernelSize), nameof(Conv2d));
        if (!Enum.IsDefined(algorithm))
            throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, $"{nameof(Conv2d)}: unknown convolution algorithm");
        Params = new Conv2dParams(stride, padding, dilation, groups);
        (InChannels, OutChannels, KernelSize, Algorithm) = (inChannels, outChannels, kernelSize, algorithm);
        var shape = Params.WeightShape(inChannels, outChannels, kernelSize, kernelSize);
        FilterAlgorithm = algorithm is ConvAlgorithm.Winograd2x2 or ConvAlgorithm.Winograd4x4 ? ConvAlgorithm.Im2colGemm : algorithm;
        RequireAlgorithm(ConvDirection.Forward, algorithm, shape);
        RequireAlgorithm(ConvDirection.BackwardData, algorithm, shape);
        RequireAlgorithm(ConvDirection.BackwardFilter, FilterAlgorithm, shape);
        long fanIn = shape.Elements / outChannels;
        Weight = new Parameter(shape, init, fanIn);
        Bias = bias ? new Parameter(new TensorShape(outChannels), init == ParameterInit.Uniform ? ParameterInit.Uniform : ParameterInit.Zeros, fanIn) : null;
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public Conv2dParams Params { get; }
    /// <summary>The algorithm of the forward and backward-data passes.</summary>
    public ConvAlgorithm Algorithm { get; }
    /// <summary>The algorithm of the filter gradient: <see cref="Algorithm"/>, or im2col+GEMM for Winograd.</summary>
    public ConvAlgorithm FilterAlgorithm { get; }
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

    /// <summary>KernelOps' scratch for the largest of the three passes, and the Winograd transforms it keeps (forward
    /// and backward data, the same size).</summary>
    internal override void PlanState(TensorShape x, TensorShape y, MemoryEstimate plan)
    {
        long workspace = 0, filters = 0;
        foreach (var direction in (ConvDirection[])[ConvDirection.Forward, ConvDirection.BackwardData, ConvDirection.BackwardFilter])
        {
            var algorithm = direction == ConvDirection.BackwardFilter ? FilterAlgorithm : Algorithm;
            var concrete = ConvAlgorithms.Resolve(algorithm, direction, x, Weight.Shape, Params);
            workspace = Math.Max(workspace, ConvAlgorithms.WorkspaceElements(direction, concrete, x, Weight.Shape, Params, filterCached: true));
            if (concrete is ConvAlgorithm.Winograd2x2 or ConvAlgorithm.Winograd4x4)
                filters += WinogradKernels.FilterElements(ConvAlgorithms.TileOf(concrete), OutChannels, InChannels);
        }
        plan.AddConvolution(workspace, filters);
    }

    protected override void Forward(Tensor x, Tensor y) => Ops.ConvForward(x, Weight.Value, Bias?.Value, Params, y, Algorithm);

    protected override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (Weight.RequiresGrad) Ops.ConvBackwardFilter(x, dy, Params, Weight.Grad, FilterAlgorithm);
        if (Bias is { RequiresGrad: true }) Ops.ConvBackwardBias(dy, Bias.Grad);
        if (dx is not null) Ops.ConvBackwardData(dy, Weight.Value, Params, dx, Algorithm);
    }

    /// <summary>Every condition of an algorithm depends on the weight's shape and the geometry only, so it is checked
    /// when the layer is declared, before any network or device exists.</summary>
    private void RequireAlgorithm(ConvDirection direction, ConvAlgorithm algorithm, TensorShape weight)
    {
        if (ConvAlgorithms.WhyUnsupported(algorithm, direction, weight, Params) is { } why)
            throw new ArgumentException(
                $"{nameof(Conv2d)}: {algorithm} cannot compute the {direction} pass of this convolution: {why} (weight: {weight}, {ConvAlgorithms.Describe(Params)})",
                nameof(algorithm));
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
