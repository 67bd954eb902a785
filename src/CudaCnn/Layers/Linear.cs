using CudaCnn.Graph;
using CudaCnn.Runtime;

namespace CudaCnn.Layers;

/// <summary>Fully connected layer as torch.nn.Linear: weight [out, in], bias [out]; x [N, ...] is read as N rows of
/// in = C*H*W features, y is [N, out].</summary>
public sealed class Linear : Layer
{
    public Linear(int inFeatures, int outFeatures, bool bias = true, ParameterInit init = ParameterInit.KaimingNormal)
    {
        WindowGeometryChecks.Positive(inFeatures, nameof(inFeatures), nameof(Linear));
        WindowGeometryChecks.Positive(outFeatures, nameof(outFeatures), nameof(Linear));
        (InFeatures, OutFeatures) = (inFeatures, outFeatures);
        Weight = new Parameter(new TensorShape(outFeatures, inFeatures), init, inFeatures);
        Bias = bias ? new Parameter(new TensorShape(outFeatures), init == ParameterInit.Uniform ? ParameterInit.Uniform : ParameterInit.Zeros, inFeatures) : null;
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    protected override IEnumerable<(string, Parameter)> OwnParameters =>
        Bias is null ? [("weight", Weight)] : [("weight", Weight), ("bias", Bias)];

    public override TensorShape InferShape(TensorShape x)
    {
        long features = x.Elements / x.N;
        if (features != InFeatures)
            throw new ArgumentException($"Linear.Forward: x has {features} features per sample, weight expects {InFeatures} (x: {x}, weight: {Weight.Shape})", nameof(x));
        return new TensorShape(x.N, OutFeatures);
    }

    protected override void Forward(Tensor x, Tensor y) => Ops.LinearForward(x, Weight.Value, Bias?.Value, y);

    protected override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (Weight.RequiresGrad) Ops.LinearBackwardWeight(x, dy, Weight.Grad);
        if (Bias is { RequiresGrad: true }) Ops.LinearBackwardBias(dy, Bias.Grad);
        if (dx is not null) Ops.LinearBackwardData(dy, Weight.Value, dx);
    }
}
