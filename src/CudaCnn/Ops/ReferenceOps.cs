using CudaCnn.Kernels;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Ops;

/// <summary>
/// The ops contract on the CPU reference: the oracle, not the fast path. Tensors live on a
/// <see cref="HostMemoryDevice"/>, whose allocations are float arrays, so each call hands the reference the arrays
/// themselves (no copies). Integer buffers (argmax, labels) are copied through a reused int[] per length.
/// </summary>
public sealed class ReferenceOps(HostMemoryDevice device) : IOps
{
    private readonly Dictionary<long, int[]> _intScratch = [];

    public IGpu Gpu => device;
    public string Backend => "Reference";

    public void ConvForward(Tensor x, Tensor weight, Tensor? bias, Conv2dParams p, Tensor y, ConvAlgorithm algorithm = ConvAlgorithm.Auto)
    {
        RequireAlgorithm(algorithm, ConvDirection.Forward, x, weight, p);
        ConvolutionReference.Forward(A(x), x.Shape, A(weight), weight.Shape, bias is null ? null : A(bias), p, A(y));
    }

    public void ConvBackwardData(Tensor dy, Tensor weight, Conv2dParams p, Tensor dx, ConvAlgorithm algorithm = ConvAlgorithm.Auto)
    {
        RequireAlgorithm(algorithm, ConvDirection.BackwardData, dx, weight, p);
        ConvolutionReference.BackwardData(A(dy), A(weight), weight.Shape, p, A(dx), dx.Shape);
    }

    public void ConvBackwardFilter(Tensor x, Tensor dy, Conv2dParams p, Tensor dWeight, ConvAlgorithm algorithm = ConvAlgorithm.Auto)
    {
        RequireAlgorithm(algorithm, ConvDirection.BackwardFilter, x, dWeight, p);
        ConvolutionReference.BackwardFilter(A(x), x.Shape, A(dy), p, A(dWeight), dWeight.Shape);
    }

    public void ConvBackwardBias(Tensor dy, Tensor dBias) => ConvolutionReference.BackwardBias(A(dy), dy.Shape, A(dBias));

    public void LinearForward(Tensor x, Tensor weight, Tensor? bias, Tensor y) =>
        LinearReference.Forward(A(x), x.Shape, A(weight), weight.Shape, bias is null ? null : A(bias), A(y));

    public void LinearBackwardData(Tensor dy, Tensor weight, Tensor dx) =>
        LinearReference.BackwardData(A(dy), A(weight), weight.Shape, A(dx), dx.Shape);

    public void LinearBackwardWeight(Tensor x, Tensor dy, Tensor dWeight) =>
        LinearReference.BackwardWeight(A(x), x.Shape, A(dy), A(dWeight), dWeight.Shape);

    public void LinearBackwardBias(Tensor dy, Tensor dBias) => LinearReference.BackwardBias(A(dy), dy.Shape.N, A(dBias));

    public void MaxPoolForward(Tensor x, Pool2dParams p, Tensor y, DeviceBuffer<int> argmax)
    {
        var indices = Scratch(argmax.Length);
        PoolingReference.MaxForward(A(x), x.Shape, p, A(y), indices);
        argmax.CopyFrom(indices);
    }

    public void MaxPoolBackward(Tensor dy, DeviceBuffer<int> argmax, Pool2dParams p, Tensor dx)
    {
        var indices = Scratch(argmax.Length);
        argmax.CopyTo(indices);
        PoolingReference.MaxBackward(A(dy), indices, p, A(dx), dx.Shape);
    }

    public void AvgPoolForward(Tensor x, Pool2dParams p, Tensor y) => PoolingReference.AvgForward(A(x), x.Shape, p, A(y));
    public void AvgPoolBackward(Tensor dy, Pool2dParams p, Tensor dx) => PoolingReference.AvgBackward(A(dy), p, A(dx), dx.Shape);
    public void GlobalAvgPoolForward(Tensor x, Tensor y) => PoolingReference.GlobalAvgForward(A(x), x.Shape, A(y));
    public void GlobalAvgPoolBackward(Tensor dy, Tensor dx) => PoolingReference.GlobalAvgBackward(A(dy), A(dx), dx.Shape);

    /// <summary>The reference recomputes the denominator in the backward, so <paramref name="scale"/> stays untouched.</summary>
    public void LrnForward(Tensor x, LrnParams p, Tensor y, Tensor scale) => LrnReference.Forward(A(x), x.Shape, p, A(y));

    public void LrnBackward(Tensor dy, Tensor x, Tensor y, Tensor scale, LrnParams p, Tensor dx) =>
        LrnReference.Backward(A(x), A(dy), x.Shape, p, A(dx));

    public void DropoutForward(Tensor x, DropoutParams p, bool training, Tensor y) => DropoutReference.Forward(A(x), A(y), p, training);
    public void DropoutBackward(Tensor dy, DropoutParams p, bool training, Tensor dx) => DropoutReference.Backward(A(dy), A(dx), p, training);

    public void ActivationForward(Tensor x, ActivationParams a, Tensor y) => ActivationReference.Forward(A(x), A(y), a);
    public void ActivationBackward(Tensor dy, Tensor x, ActivationParams a, Tensor dx) => ActivationReference.Backward(A(x), A(dy), A(dx), a);

    public void BatchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        BatchNormParams p, Tensor y, Tensor saveMean, Tensor saveInvStd) =>
        BatchNormReference.TrainingForward(A(x), x.Shape, A(gamma), A(beta), p, A(y), A(runningMean), A(runningVar),
            A(saveMean), A(saveInvStd));

    public void BatchNormInferenceForward(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        BatchNormParams p, Tensor y) =>
        BatchNormReference.EvalForward(A(x), x.Shape, A(gamma), A(beta), A(runningMean), A(runningVar), p, A(y));

    public void BatchNormBackward(Tensor dy, Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dx,
        Tensor dGamma, Tensor dBeta) =>
        BatchNormReference.Backward(A(x), A(dy), x.Shape, A(gamma), A(saveMean), A(saveInvStd), A(dx), A(dGamma), A(dBeta));

    public void CrossEntropyForward(Tensor logits, DeviceBuffer<int> labels, Tensor probs, DeviceBuffer<float> loss)
    {
        var classes = Labels(labels);
        SoftmaxReference.Forward(A(logits), logits.Shape, A(probs));
        loss.CopyFrom([SoftmaxReference.CrossEntropyForward(A(logits), logits.Shape, classes)]);
    }

    public void CrossEntropyBackward(Tensor logits, Tensor probs, DeviceBuffer<int> labels, Tensor dLogits) =>
        SoftmaxReference.CrossEntropyBackward(A(logits), logits.Shape, Labels(labels), A(dLogits));

    public void Add(Tensor a, Tensor b, Tensor y) => ElementwiseReference.Add(A(a), A(b), A(y));
    public void Axpy(float alpha, Tensor x, Tensor y) => ElementwiseReference.Axpy(alpha, A(x), A(y));
    public void Copy(Tensor source, Tensor destination) => destination.Buffer.CopyFrom(source.Buffer);
    public void Fill(Tensor y, float value) => ElementwiseReference.Fill(A(y), value);

    public void ConcatForward(IReadOnlyList<Tensor> parts, Tensor y) =>
        ElementwiseReference.Concat(parts.Select(A).ToArray(), parts.Select(t => t.Shape).ToArray(), A(y));

    public void ConcatBackward(Tensor dy, IReadOnlyList<Tensor> dParts) =>
        ElementwiseReference.ConcatBackward(A(dy), dParts.Select(t => t.Shape).ToArray(), dParts.Select(A).ToArray());

    public void SgdStep(Tensor param, Tensor grad, Tensor? momentumBuffer, SgdParams p, int step) =>
        OptimizerReference.Sgd(A(param), A(grad), momentumBuffer is null ? null : A(momentumBuffer), p, step);

    public void RmsPropStep(Tensor param, Tensor grad, Tensor squareAverage, Tensor? momentumBuffer, RmsPropParams p) =>
        OptimizerReference.RmsProp(A(param), A(grad), A(squareAverage), momentumBuffer is null ? null : A(momentumBuffer), p);

    public void AdamStep(Tensor param, Tensor grad, Tensor firstMoment, Tensor secondMoment, AdamParams p, int step) =>
        OptimizerReference.Adam(A(param), A(grad), A(firstMoment), A(secondMoment), p, step);

    public long CountNonFinite(Tensor x)
    {
        long count = 0;
        foreach (float v in A(x)) if (!float.IsFinite(v)) count++;
        return count;
    }

    /// <summary>The reference computes every algorithm the same way, but refuses one that the kernels cannot run
    /// with the kernels' own error, so a model fails alike on every backend.</summary>
    private static void RequireAlgorithm(ConvAlgorithm algorithm, ConvDirection direction, Tensor x, Tensor weight, Conv2dParams p)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (algorithm != ConvAlgorithm.Auto) ConvAlgorithms.Resolve(algorithm, direction, x.Shape, weight.Shape, p);
    }

    /// <summary>The array behind a tensor of this backend's device.</summary>
    private float[] A(Tensor t)
    {
        if (!ReferenceEquals(t.Gpu, device))
            throw new ArgumentException(
                $"ReferenceOps computes on tensors of its HostMemoryDevice; got {t} on {t.Gpu.Info.Name} ({t.Gpu.Info.Backend})", nameof(t));
        return device.ArrayAt(t.Ptr, t.Elements, nameof(t));
    }

    private int[] Labels(DeviceBuffer<int> labels)
    {
        var values = Scratch(labels.Length);
        labels.CopyTo(values);
        return values;
    }

    private int[] Scratch(long length)
    {
        if (!_intScratch.TryGetValue(length, out var array)) _intScratch[length] = array = new int[length];
        return array;
    }
}
