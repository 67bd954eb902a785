using CudaCnn.Kernels;
using CudaCnn.Runtime;

namespace CudaCnn.Ops;

/// <summary>Pooling, normalization, dropout, activations, loss, element-wise, layout and optimizers: one launcher each.</summary>
public sealed partial class KernelOps
{
    public void MaxPoolForward(Tensor x, Pool2dParams p, Tensor y, DeviceBuffer<int> argmax) => _pooling.MaxForward(x, p, y, argmax);
    public void MaxPoolBackward(Tensor dy, DeviceBuffer<int> argmax, Pool2dParams p, Tensor dx) => _pooling.MaxBackward(dy, argmax, p, dx);
    public void AvgPoolForward(Tensor x, Pool2dParams p, Tensor y) => _pooling.AvgForward(x, p, y);
    public void AvgPoolBackward(Tensor dy, Pool2dParams p, Tensor dx) => _pooling.AvgBackward(dy, p, dx);
    public void GlobalAvgPoolForward(Tensor x, Tensor y) => _pooling.GlobalAvgForward(x, y);
    public void GlobalAvgPoolBackward(Tensor dy, Tensor dx) => _pooling.GlobalAvgBackward(dy, dx);

    public void LrnForward(Tensor x, LrnParams p, Tensor y, Tensor scale) => _lrn.Forward(x, p, y, scale);
    public void LrnBackward(Tensor dy, Tensor x, Tensor y, Tensor scale, LrnParams p, Tensor dx) => _lrn.Backward(dy, x, y, scale, p, dx);

    public void DropoutForward(Tensor x, DropoutParams p, bool training, Tensor y) => _dropout.Forward(y.Buffer, x.Buffer, p, training);
    public void DropoutBackward(Tensor dy, DropoutParams p, bool training, Tensor dx) => _dropout.Backward(dx.Buffer, dy.Buffer, p, training);

    public void ActivationForward(Tensor x, ActivationParams a, Tensor y) => _activation.Forward(y.Buffer, x.Buffer, a);
    public void ActivationBackward(Tensor dy, Tensor x, ActivationParams a, Tensor dx) => _activation.Backward(dx.Buffer, dy.Buffer, x.Buffer, a);

    public void BatchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        BatchNormParams p, Tensor y, Tensor saveMean, Tensor saveInvStd) =>
        _batchNorm.ForwardTraining(x, gamma.Buffer, beta.Buffer, runningMean.Buffer, runningVar.Buffer, p, y,
            saveMean.Buffer, saveInvStd.Buffer, BatchNormWorkspace(x));

    public void BatchNormInferenceForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        BatchNormParams p, Tensor y) =>
        _batchNorm.ForwardInference(x, gamma.Buffer, beta.Buffer, runningMean.Buffer, runningVar.Buffer, p, y);

    public void BatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dx,
        Tensor dGamma, Tensor dBeta) =>
        _batchNorm.Backward(dy, x, gamma.Buffer, saveMean.Buffer, saveInvStd.Buffer, dx, dGamma.Buffer, dBeta.Buffer,
            BatchNormWorkspace(x));

    /// <summary>The shared workspace (grown, never shrunk) when batch norm splits channels over blocks; null otherwise.</summary>
    private DeviceBuffer<float>? BatchNormWorkspace(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        long elements = BatchNormKernels.WorkspaceElements(x.Shape);
        return elements == 0 ? null : _workspace.AtLeast(elements);
    }

    /// <summary>The per-row losses go to a reused scratch buffer; loss[0] gets their mean on the device.</summary>
    public void CrossEntropyForward(Tensor logits, DeviceBuffer<int> labels, Tensor probs, DeviceBuffer<float> loss)
    {
        ArgumentNullException.ThrowIfNull(logits);
        _softmax.CrossEntropyForward(logits, labels, probs, _rowLoss.Exactly(logits.Shape.N), loss);
    }

    public void CrossEntropyBackward(Tensor logits, Tensor probs, DeviceBuffer<int> labels, Tensor dLogits) =>
        _softmax.CrossEntropyBackward(probs, labels, dLogits);

    public void Add(Tensor a, Tensor b, Tensor y) => _elementwise.Add(y.Buffer, a.Buffer, b.Buffer);
    // The in-place writers bump the destination's version: it may be a weight whose Winograd transform is cached.
    public void Axpy(float alpha, Tensor x, Tensor y)
    {
        _elementwise.Axpy(y.Buffer, x.Buffer, alpha);
        y.MarkChanged();
    }

    public void Copy(Tensor source, Tensor destination)
    {
        _elementwise.Copy(destination.Buffer, source.Buffer);
        destination.MarkChanged();
    }

    public void Fill(Tensor y, float value)
    {
        _elementwise.Fill(y.Buffer, value);
        y.MarkChanged();
    }

    public void ConcatForward(IReadOnlyList<Tensor> parts, Tensor y) => _concat.Forward(y, AsSpan(parts));
    public void ConcatBackward(Tensor dy, IReadOnlyList<Tensor> dParts) => _concat.Backward(dy, AsSpan(dParts));

    public void SgdStep(Tensor param, Tensor grad, Tensor? momentumBuffer, SgdParams p, int step)
    {
        _optimizer.Sgd(param.Buffer, grad.Buffer, momentumBuffer?.Buffer, p, step);
        param.MarkChanged();
    }

    public void RmsPropStep(Tensor param, Tensor grad, Tensor squareAverage, Tensor? momentumBuffer, RmsPropParams p)
    {
        _optimizer.RmsProp(param.Buffer, grad.Buffer, squareAverage.Buffer, momentumBuffer?.Buffer, p);
        param.MarkChanged();
    }

    public void AdamStep(Tensor param, Tensor grad, Tensor firstMoment, Tensor secondMoment, AdamParams p, int step)
    {
        _optimizer.Adam(param.Buffer, grad.Buffer, firstMoment.Buffer, secondMoment.Buffer, p, step);
        param.MarkChanged();
    }

    /// <summary>Reads x back (synchronizes) and counts on the host: a diagnostic, not a hot path.</summary>
    public long CountNonFinite(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        long count = 0;
        foreach (float v in x.ToArray()) if (!float.IsFinite(v)) count++;
        return count;
    }

    private static ReadOnlySpan<Tensor> AsSpan(IReadOnlyList<Tensor> tensors) =>
        tensors is Tensor[] array ? array : tensors.ToArray();
}
