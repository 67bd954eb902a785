using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Oracle;

/// <summary>The shapes one convolution is built for, and the per-call checks of the tensors handed to it.</summary>
internal sealed record ConvShapes(TensorShape X, TensorShape Weight, TensorShape Y, Conv2dParams P)
{
    private const string Op = "cuDNN convolution";

    /// <summary>Validates the geometry with our own rules (<see cref="Conv2dParams.OutputShape"/>) before cuDNN sees it.</summary>
    public static ConvShapes Of(TensorShape x, TensorShape weight, Conv2dParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        CudnnArgs.RequireRank4(x, nameof(x));
        CudnnArgs.RequireRank4(weight, nameof(weight));
        return new ConvShapes(x, weight, p.OutputShape(x, weight), p);
    }

    private string Built => $"the convolution was built for x {X}, weight {Weight}, y {Y}";

    public void CheckForward(IGpu device, Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        OracleValidation.Shape(Op + " forward", device, x, nameof(x), X, Built);
        OracleValidation.Shape(Op + " forward", device, weight, nameof(weight), Weight, Built);
        if (bias is not null) OracleValidation.Channels(Op + " forward", device, bias, nameof(bias), Weight.N, "one per output channel");
        OracleValidation.Shape(Op + " forward", device, y, nameof(y), Y, Built);
    }

    public void CheckBackwardData(IGpu device, Tensor dy, Tensor weight, Tensor dx)
    {
        OracleValidation.Shape(Op + " backward data", device, dy, nameof(dy), Y, Built);
        OracleValidation.Shape(Op + " backward data", device, weight, nameof(weight), Weight, Built);
        OracleValidation.Shape(Op + " backward data", device, dx, nameof(dx), X, Built);
    }

    public void CheckBackwardFilter(IGpu device, Tensor x, Tensor dy, Tensor dWeight)
    {
        OracleValidation.Shape(Op + " backward filter", device, x, nameof(x), X, Built);
        OracleValidation.Shape(Op + " backward filter", device, dy, nameof(dy), Y, Built);
        OracleValidation.Shape(Op + " backward filter", device, dWeight, nameof(dWeight), Weight, Built);
    }

    public void CheckBackwardBias(IGpu device, Tensor dy, Tensor dBias)
    {
        OracleValidation.Shape(Op + " backward bias", device, dy, nameof(dy), Y, Built);
        OracleValidation.Channels(Op + " backward bias", device, dBias, nameof(dBias), Weight.N, "one per output channel");
    }
}
