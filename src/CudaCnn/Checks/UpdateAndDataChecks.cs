using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Checks;

/// <summary>kernels/optimizer.cu (three steps of SGD, RMSprop and Adam), kernels/concat.cu and the residual split of
/// kernels/elementwise.cu against the reference.</summary>
internal static class UpdateAndDataChecks
{
    private const int Steps = 3;
    private const int Parameters = 1000;

    public static IEnumerable<KernelCheck> Cases()
    {
        string shape = $"[{Parameters}] x{Steps} steps";
        yield return new("optimizer", "sgd_step", $"{shape} momentum 0.9", c => Sgd(c, new SgdParams(0.05, momentum: 0.9, weightDecay: 1e-2)));
        yield return new("optimizer", "sgd_step", $"{shape} nesterov", c => Sgd(c, new SgdParams(0.01, momentum: 0.8, weightDecay: 5e-4, nesterov: true)));
        yield return new("optimizer", "rmsprop_step", $"{shape} momentum 0.5", c => RmsProp(c, new RmsPropParams(0.01, alpha: 0.9, weightDecay: 1e-3, momentum: 0.5)));
        yield return new("optimizer", "adam_step", shape, c => Adam(c, new AdamParams(0.01, weightDecay: 1e-2)));
        foreach (var channels in new[] { new[] { 1, 2, 3 }, [64, 3], [5, 7, 1, 2] })
        {
            var parts = channels.Select(ch => new TensorShape(2, ch, 5, 3)).ToArray();
            string partsText = string.Join("+", channels);
            yield return new("concat", "concat_channels_forward", $"[2,{partsText},5,3]", c => Concat(c, parts, backward: false));
            yield return new("concat", "concat_channels_backward", $"[2,{partsText},5,3]", c => Concat(c, parts, backward: true));
        }
        yield return new("elementwise", "residual_add_backward", "[4099]", c => ResidualSplit(c, 4099));
    }

    private static float[] Gradient(int step) => RandomData.Uniform(Parameters, seed: 140 + (ulong)step);

    private static ComparisonResult Sgd(CheckContext c, SgdParams p)
    {
        var (expected, buffer) = (RandomData.Uniform(Parameters, seed: 150), new float[Parameters]);
        var (param, bufferDevice) = (c.Upload(expected), c.Upload(buffer));
        for (int step = 1; step <= Steps; step++)
        {
            new OptimizerKernels(c.Library).Sgd(param, c.Upload(Gradient(step)), bufferDevice, p, step);
            OptimizerReference.Sgd(expected, Gradient(step), buffer, p, step);
        }
        return TensorComparison.Compare("sgd.param", expected, param.ToArray(), LayerTolerances.OptimizerStep);
    }

    private static ComparisonResult RmsProp(CheckContext c, RmsPropParams p)
    {
        var (expected, v, buffer) = (RandomData.Uniform(Parameters, seed: 150), new float[Parameters], new float[Parameters]);
        var (param, vDevice, bufferDevice) = (c.Upload(expected), c.Upload(v), c.Upload(buffer));
        for (int step = 1; step <= Steps; step++)
        {
            new OptimizerKernels(c.Library).RmsProp(param, c.Upload(Gradient(step)), vDevice, bufferDevice, p);
            OptimizerReference.RmsProp(expected, Gradient(step), v, buffer, p);
        }
        return TensorComparison.Compare("rmsprop.param", expected, param.ToArray(), LayerTolerances.OptimizerStep);
    }

    private static ComparisonResult Adam(CheckContext c, AdamParams p)
    {
        var (expected, m, v) = (RandomData.Uniform(Parameters, seed: 150), new float[Parameters], new float[Parameters]);
        var (param, mDevice, vDevice) = (c.Upload(expected), c.Upload(m), c.Upload(v));
        for (int step = 1; step <= Steps; step++)
        {
            new OptimizerKernels(c.Library).Adam(param, c.Upload(Gradient(step)), mDevice, vDevice, p, step);
            OptimizerReference.Adam(expected, Gradient(step), m, v, p, step);
        }
        return TensorComparison.Compare("adam.param", expected, param.ToArray(), LayerTolerances.OptimizerStep);
    }

    /// <summary>Forward compares y; backward compares every part's gradient, concatenated.</summary>
    private static ComparisonResult Concat(CheckContext c, TensorShape[] shapes, bool backward)
    {
        var kernels = new ConcatKernels(c.Library);
        var yShape = ElementwiseReference.ConcatShape(shapes);
        if (!backward)
        {
            var inputs = shapes.Select((s, i) => RandomData.Uniform(s.Elements, seed: 110 + (ulong)i)).ToArray();
            var y = c.Poisoned(yShape);
            kernels.Forward(y, [.. shapes.Select((s, i) => c.Upload(s, inputs[i]))]);
            var expected = new float[yShape.Elements];
            ElementwiseReference.Concat(inputs, shapes, expected);
            return TensorComparison.Compare("concat.y", expected, y.ToArray(), LayerTolerances.Exact, yShape);
        }
        var dy = RandomData.Uniform(yShape.Elements, seed: 120);
        var dparts = shapes.Select(c.Poisoned).ToArray();
        kernels.Backward(c.Upload(yShape, dy), dparts);
        var expectedParts = shapes.Select(s => new float[s.Elements]).ToArray();
        ElementwiseReference.ConcatBackward(dy, shapes, expectedParts);
        return TensorComparison.Compare("concat.dparts", [.. expectedParts.SelectMany(p => p)], [.. dparts.SelectMany(p => p.ToArray())], LayerTolerances.Exact);
    }

    /// <summary>Both gradients, concatenated.</summary>
    private static ComparisonResult ResidualSplit(CheckContext c, int n)
    {
        var dy = RandomData.Uniform(n, seed: 130);
        var (da, db) = (c.Poisoned(n), c.Poisoned(n));
        new ElementwiseKernels(c.Library).ResidualAddBackward(da, db, c.Upload(dy));
        var (expectedA, expectedB) = (new float[n], new float[n]);
        ElementwiseReference.AddBackward(dy, expectedA, expectedB);
        return TensorComparison.Compare("residual.[da, db]", [.. expectedA, .. expectedB], [.. da.ToArray(), .. db.ToArray()], LayerTolerances.Exact);
    }
}
