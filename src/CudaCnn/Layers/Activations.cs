using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Layers;

/// <summary>An element-wise activation layer; the subclasses name the PyTorch modules.</summary>
public abstract class ActivationLayer(ActivationParams activation) : Layer
{
    public ActivationParams Activation { get; } = activation;

    public override TensorShape InferShape(TensorShape x) => x;

    protected override void Forward(Tensor x, Tensor y) => Ops.ActivationForward(x, Activation, y);

    protected override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (dx is not null) Ops.ActivationBackward(dy, x, Activation, dx);
    }
}

public sealed class ReLU() : ActivationLayer(ActivationParams.ReLU);
public sealed class LeakyReLU(double negativeSlope = 0.01) : ActivationLayer(new(ActivationKind.LeakyReLU, negativeSlope));
public sealed class ELU(double alpha = 1.0) : ActivationLayer(new(ActivationKind.ELU, alpha));
public sealed class Tanh() : ActivationLayer(ActivationParams.Tanh);
public sealed class Sigmoid() : ActivationLayer(ActivationParams.Sigmoid);
