using CudaCnn.Kernels;
using CudaCnn.Runtime;

namespace CudaCnn.Ops;

/// <summary>
/// The ops contract: everything layers, the graph and optimizers ask of a backend. Tensors are float32 NCHW on
/// <see cref="Gpu"/>. Conventions (as the kernel headers): outputs and input gradients are written (=), parameter
/// gradients accumulate (+=). Nothing here reads a value back to the host, so a backend may queue every call
/// without synchronizing; the one exception is <see cref="CountNonFinite"/>, a diagnostic that reads.
/// Backends: ReferenceOps (the CPU oracle on a <see cref="HostMemoryDevice"/>), KernelOps (kernels on an IGpu).
/// </summary>
public interface IOps
{
    /// <summary>The device every tensor of this backend lives on.</summary>
    IGpu Gpu { get; }

    /// <summary>"Reference", "Sim" or "Cuda": which backend computes.</summary>
    string Backend { get; }

    // Convolution and fully connected layers. An algorithm other than Auto that cannot compute the convolution
    // (ConvAlgorithms.WhyUnsupported) is a NotSupportedException on every backend, never a fallback; the
    // reference computes every algorithm the same way.
    void ConvForward(Tensor x, Tensor weight, Tensor? bias, Conv2dParams p, Tensor y, ConvAlgorithm algorithm = ConvAlgorithm.Auto);
    void ConvBackwardData(Tensor dy, Tensor weight, Conv2dParams p, Tensor dx, ConvAlgorithm algorithm = ConvAlgorithm.Auto);
    void ConvBackwardFilter(Tensor x, Tensor dy, Conv2dParams p, Tensor dWeight, ConvAlgorithm algorithm = ConvAlgorithm.Auto);
    void ConvBackwardBias(Tensor dy, Tensor dBias);
    /// <summary>x [N, F...] read as N rows of F features; weight [Out, F]; y [N, Out].</summary>
    void LinearForward(Tensor x, Tensor weight, Tensor? bias, Tensor y);
    void LinearBackwardData(Tensor dy, Tensor weight, Tensor dx);
    void LinearBackwardWeight(Tensor x, Tensor dy, Tensor dWeight);
    void LinearBackwardBias(Tensor dy, Tensor dBias);

    // Pooling.
    void MaxPoolForward(Tensor x, Pool2dParams p, Tensor y, DeviceBuffer<int> argmax);
    void MaxPoolBackward(Tensor dy, DeviceBuffer<int> argmax, Pool2dParams p, Tensor dx);
    void AvgPoolForward(Tensor x, Pool2dParams p, Tensor y);
    void AvgPoolBackward(Tensor dy, Pool2dParams p, Tensor dx);
    void GlobalAvgPoolForward(Tensor x, Tensor y);
    void GlobalAvgPoolBackward(Tensor dy, Tensor dx);

    // Normalization, dropout, activations.
    /// <summary><paramref name="scale"/> (x's shape) is the backend's saved denominator; a backend may leave it unused.</summary>
    void LrnForward(Tensor x, LrnParams p, Tensor y, Tensor scale);
    void LrnBackward(Tensor dy, Tensor x, Tensor y, Tensor scale, LrnParams p, Tensor dx);
    void DropoutForward(Tensor x, DropoutParams p, bool training, Tensor y);
    void DropoutBackward(Tensor dy, DropoutParams p, bool training, Tensor dx);
    void ActivationForward(Tensor x, ActivationParams a, Tensor y);
    void ActivationBackward(Tensor dy, Tensor x, ActivationParams a, Tensor dx);
    /// <summary>Training: batch statistics, running statistics updated, saveMean/saveInvStd kept for the backward.</summary>
    void BatchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        BatchNormParams p, Tensor y, Tensor saveMean, Tensor saveInvStd);
    void BatchNormInferenceForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        BatchNormParams p, Tensor y);
    void BatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dx,
        Tensor dGamma, Tensor dBeta);

    // Loss: mean softmax cross-entropy over the batch of logits [N, C]; labels in [0, C) (checked by the caller).
    /// <summary>Writes probs = softmax(logits) and loss[0] = mean cross-entropy (no host read).</summary>
    void CrossEntropyForward(Tensor logits, DeviceBuffer<int> labels, Tensor probs, DeviceBuffer<float> loss);
    /// <summary>dLogits = (probs - one_hot(labels)) / N, written.</summary>
    void CrossEntropyBackward(Tensor logits, Tensor probs, DeviceBuffer<int> labels, Tensor dLogits);

    // Element-wise and layout.
    void Add(Tensor a, Tensor b, Tensor y);
    /// <summary>y += alpha * x.</summary>
    void Axpy(float alpha, Tensor x, Tensor y);
    void Copy(Tensor source, Tensor destination);
    void Fill(Tensor y, float value);
    void ConcatForward(IReadOnlyList<Tensor> parts, Tensor y);
    void ConcatBackward(Tensor dy, IReadOnlyList<Tensor> dParts);

    // Optimizers: one step (1-based) over a parameter and its gradient; state tensors start at zero.
    void SgdStep(Tensor param, Tensor grad, Tensor? momentumBuffer, SgdParams p, int step);
    void RmsPropStep(Tensor param, Tensor grad, Tensor squareAverage, Tensor? momentumBuffer, RmsPropParams p);
    void AdamStep(Tensor param, Tensor grad, Tensor firstMoment, Tensor secondMoment, AdamParams p, int step);

    /// <summary>Diagnostic: how many elements are NaN or infinite. Reads back to the host (synchronizes).</summary>
    long CountNonFinite(Tensor x);
}
