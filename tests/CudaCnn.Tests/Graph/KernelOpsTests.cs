using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Sim;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Graph;

/// <summary>KernelOps on the software GPU against ReferenceOps on small odd shapes, for the ops KernelOps composes
/// itself (linear layers from GEMMs, the loss's scratch, the convolution workspace), the bit-exact dropout, and the
/// families the network step tests (SimTrainingStepTests) do not reach: Adam, RMSprop, concatenation, element-wise
/// ops, batch-norm inference and the non-finite count.
/// Outputs that are written start as NaN on the device, so an element left unwritten fails; accumulated gradients
/// start from the same non-zero values on both sides, so "=" in place of "+=" fails.</summary>
public sealed class KernelOpsTests : IDisposable
{
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);
    private readonly HostMemoryDevice _host = new();
    private readonly ReferenceOps _reference;
    private readonly SimGpu _gpu = new(new SimOptions { Checkers = SimCheckers.Default | SimCheckers.Initcheck });
    private readonly KernelLibrary _library;
    private readonly KernelOps _ops;
    private readonly List<Tensor> _tensors = [];

    public KernelOpsTests()
    {
        _reference = new ReferenceOps(_host);
        _library = new KernelLibrary(_gpu, Compiler);
        _ops = new KernelOps(_library);
    }

    [NvrtcFact]
    public void Linear_forward_and_backward_match_the_reference_across_batch_sizes()
    {
        // Two batch sizes, larger second: the ones vector of the bias gradient grows and is refilled.
        foreach (int n in new[] { 3, 5 })
        {
            var x = Random(new TensorShape(n, 3, 2, 2), 1);
            var w = Random(new TensorShape(7, 12), 2);
            var b = Random(new TensorShape(7), 3);
            var y = Written(new TensorShape(n, 7));
            _reference.LinearForward(x.R, w.R, b.R, y.R);
            _ops.LinearForward(x.S, w.S, b.S, y.S);
            Same("y", y, ConvTolerances.Reduction(12 + 1));

            var dy = Random(new TensorShape(n, 7), 4);
            var dx = Written(x.R.Shape);
            _reference.LinearBackwardData(dy.R, w.R, dx.R);
            _ops.LinearBackwardData(dy.S, w.S, dx.S);
            Same("dx", dx, ConvTolerances.Reduction(7));

            var dw = Random(w.R.Shape, 5);
            _reference.LinearBackwardWeight(x.R, dy.R, dw.R);
            _ops.LinearBackwardWeight(x.S, dy.S, dw.S);
            Same("dW", dw, ConvTolerances.Reduction(n + 1));

            var db = Random(b.R.Shape, 6);
            _reference.LinearBackwardBias(dy.R, db.R);
            _ops.LinearBackwardBias(dy.S, db.S);
            Same("dBias", db, ConvTolerances.Reduction(n + 1));
        }
    }

    [NvrtcFact]
    public void Cross_entropy_matches_the_reference_across_batch_sizes()
    {
        foreach (int n in new[] { 5, 3 })
        {
            var logits = Random(new TensorShape(n, 7), 10);
            var labels = RandomData.Integers(n, 7, 11);
            using var refLabels = Labels(_host, labels);
            using var simLabels = Labels(_gpu, labels);
            var probs = Written(logits.R.Shape);
            using var refLoss = new DeviceBuffer<float>(_host, 1);
            using var simLoss = new DeviceBuffer<float>(_gpu, 1);
            _reference.CrossEntropyForward(logits.R, refLabels, probs.R, refLoss);
            _ops.CrossEntropyForward(logits.S, simLabels, probs.S, simLoss);
            Same("probs", probs, LayerTolerances.Pointwise);
            TensorComparison.Compare("loss", refLoss.ToArray(), simLoss.ToArray(), LayerTolerances.Loss).ThrowIfFailed();

            var dLogits = Written(logits.R.Shape);
            _reference.CrossEntropyBackward(logits.R, probs.R, refLabels, dLogits.R);
            _ops.CrossEntropyBackward(logits.S, probs.S, simLabels, dLogits.S);
            Same("dLogits", dLogits, LayerTolerances.Pointwise);
        }
    }

    [NvrtcTheory]
    [InlineData(4, 1, 1)] // 3x3, stride 1: Winograd
    [InlineData(5, 2, 0)] // 3x3, stride 2: im2col + GEMM (a larger workspace than the call before)
    public void Convolution_matches_the_reference(int outChannels, int stride, int padding)
    {
        var p = new Conv2dParams(stride: stride, padding: padding);
        var x = Random(new TensorShape(2, 3, 9, 9), 20);
        var w = Random(new TensorShape(outChannels, 3, 3, 3), 21);
        var b = Random(new TensorShape(outChannels), 22);
        var (outH, outW) = p.OutputSize(9, 9, 3, 3);
        var yShape = new TensorShape(2, outChannels, outH, outW);
        var y = Written(yShape);
        _reference.ConvForward(x.R, w.R, b.R, p, y.R);
        _ops.ConvForward(x.S, w.S, b.S, p, y.S);
        Same("y", y, Tolerance(ConvDirection.Forward, x.R.Shape, w.R.Shape, p, 27 + 1));

        var dy = Random(yShape, 23);
        var dx = Written(x.R.Shape);
        _reference.ConvBackwardData(dy.R, w.R, p, dx.R);
        _ops.ConvBackwardData(dy.S, w.S, p, dx.S);
        Same("dx", dx, Tolerance(ConvDirection.BackwardData, x.R.Shape, w.R.Shape, p, outChannels * 9));

        var dw = Random(w.R.Shape, 24);
        _reference.ConvBackwardFilter(x.R, dy.R, p, dw.R);
        _ops.ConvBackwardFilter(x.S, dy.S, p, dw.S);
        Same("dW", dw, Tolerance(ConvDirection.BackwardFilter, x.R.Shape, w.R.Shape, p, 2L * outH * outW + 1));

        var db = Random(b.R.Shape, 25);
        _reference.ConvBackwardBias(dy.R, db.R);
        _ops.ConvBackwardBias(dy.S, db.S);
        Same("dBias", db, ConvTolerances.Reduction(2L * outH * outW + 1));
    }

    [NvrtcFact]
    public void Dropout_masks_are_bit_identical()
    {
        var p = new DropoutParams(0.3f, seed: 99, offset: 5);
        var x = Random(new TensorShape(3, 5, 7, 3), 30);
        var y = Written(x.R.Shape);
        _reference.DropoutForward(x.R, p, training: true, y.R);
        _ops.DropoutForward(x.S, p, training: true, y.S);
        Same("y", y, LayerTolerances.Exact);

        var dx = Written(x.R.Shape);
        _reference.DropoutBackward(x.R, p, training: true, dx.R);
        _ops.DropoutBackward(x.S, p, training: true, dx.S);
        Same("dx", dx, LayerTolerances.Exact);
    }

    [NvrtcFact]
    public void Adam_and_RmsProp_steps_match_the_reference()
    {
        var shape = new TensorShape(3, 5, 7);
        var param = Random(shape, 40);
        var grad = Random(shape, 41);
        var m = Random(shape, 42);
        var v = Pair(shape, RandomData.Uniform(shape.Elements, 43, 0f, 1f), RandomData.Uniform(shape.Elements, 43, 0f, 1f));
        for (int step = 1; step <= 2; step++)
        {
            _reference.AdamStep(param.R, grad.R, m.R, v.R, new AdamParams(weightDecay: 0.01), step);
            _ops.AdamStep(param.S, grad.S, m.S, v.S, new AdamParams(weightDecay: 0.01), step);
        }
        Same("Adam param", param, LayerTolerances.OptimizerStep);
        Same("Adam m", m, LayerTolerances.OptimizerStep);
        Same("Adam v", v, LayerTolerances.OptimizerStep);

        var square = Pair(shape, new float[shape.Elements], new float[shape.Elements]);
        var momentum = Pair(shape, new float[shape.Elements], new float[shape.Elements]);
        var rms = new RmsPropParams(momentum: 0.9, weightDecay: 0.01);
        _reference.RmsPropStep(param.R, grad.R, square.R, momentum.R, rms);
        _ops.RmsPropStep(param.S, grad.S, square.S, momentum.S, rms);
        Same("RMSprop param", param, LayerTolerances.OptimizerStep);
        Same("RMSprop square average", square, LayerTolerances.OptimizerStep);
    }

    [NvrtcFact]
    public void Concat_and_element_wise_ops_match_the_reference()
    {
        var a = Random(new TensorShape(2, 3, 5, 5), 50);
        var b = Random(new TensorShape(2, 1, 5, 5), 51);
        var y = Written(new TensorShape(2, 4, 5, 5));
        _reference.ConcatForward([a.R, b.R], y.R);
        _ops.ConcatForward([a.S, b.S], y.S);
        Same("concat", y, LayerTolerances.Exact);

        var da = Written(a.R.Shape);
        var db = Written(b.R.Shape);
        _reference.ConcatBackward(y.R, [da.R, db.R]);
        _ops.ConcatBackward(y.S, [da.S, db.S]);
        Same("dA", da, LayerTolerances.Exact);
        Same("dB", db, LayerTolerances.Exact);

        var sum = Written(a.R.Shape);
        _reference.Add(a.R, da.R, sum.R);
        _ops.Add(a.S, da.S, sum.S);
        _reference.Axpy(0.5f, a.R, sum.R);
        _ops.Axpy(0.5f, a.S, sum.S);
        Same("add, axpy", sum, LayerTolerances.Pointwise);

        _reference.Fill(sum.R, float.PositiveInfinity);
        _ops.Fill(sum.S, float.PositiveInfinity);
        _reference.Copy(a.R, da.R);
        _ops.Copy(a.S, da.S);
        Same("copy", da, LayerTolerances.Exact);
        Assert.Equal(a.R.Elements, _ops.CountNonFinite(sum.S));
        Assert.Equal(_reference.CountNonFinite(da.R), _ops.CountNonFinite(da.S));
    }

    [NvrtcFact]
    public void Batch_norm_inference_matches_the_reference()
    {
        var x = Random(new TensorShape(3, 5, 3, 3), 60);
        var gamma = Random(new TensorShape(5), 61);
        var beta = Random(new TensorShape(5), 62);
        var mean = Random(new TensorShape(5), 63);
        var variance = Pair(new TensorShape(5), RandomData.Uniform(5, 64, 0.5f, 2f), RandomData.Uniform(5, 64, 0.5f, 2f));
        var y = Written(x.R.Shape);
        _reference.BatchNormInferenceForward(x.R, gamma.R, beta.R, mean.R, variance.R, new BatchNormParams(), y.R);
        _ops.BatchNormInferenceForward(x.S, gamma.S, beta.S, mean.S, variance.S, new BatchNormParams(), y.S);
        Same("y", y, LayerTolerances.Normalized);
    }

    public void Dispose()
    {
        foreach (var t in _tensors) t.Dispose();
        _ops.Dispose();
        _library.Dispose();
        _gpu.Dispose();
        _host.Dispose();
    }

    private static Tolerance Tolerance(ConvDirection direction, TensorShape x, TensorShape w, Conv2dParams p, long length) =>
        ConvTolerances.For(ConvAlgorithms.Resolve(ConvAlgorithm.Auto, direction, x, w, p), length);

    private (Tensor R, Tensor S) Random(TensorShape shape, ulong seed) => Pair(shape, RandomData.Uniform(shape.Elements, seed), RandomData.Uniform(shape.Elements, seed));

    /// <summary>An output: zeros on the reference, NaN on the device (the reference writes every element regardless).</summary>
    private (Tensor R, Tensor S) Written(TensorShape shape) =>
        Pair(shape, new float[shape.Elements], Enumerable.Repeat(float.NaN, (int)shape.Elements).ToArray());

    private (Tensor R, Tensor S) Pair(TensorShape shape, float[] reference, float[] device)
    {
        var pair = (Tensor.FromHost(_host, shape, reference), Tensor.FromHost(_gpu, shape, device));
        _tensors.Add(pair.Item1);
        _tensors.Add(pair.Item2);
        return pair;
    }

    private static DeviceBuffer<int> Labels(IGpu gpu, int[] labels)
    {
        var buffer = new DeviceBuffer<int>(gpu, labels.Length);
        buffer.CopyFrom(labels);
        return buffer;
    }

    private static void Same(string name, (Tensor R, Tensor S) t, Tolerance tolerance) =>
        TensorComparison.Compare(name, t.R.ToArray(), t.S.ToArray(), tolerance, t.R.Shape).ThrowIfFailed();
}
