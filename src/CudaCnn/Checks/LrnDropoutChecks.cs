using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Checks;

/// <summary>kernels/lrn.cu (AlexNet channel counts at reduced spatial size, both variants) and kernels/dropout.cu
/// (bit-exact masks for several seeds and offsets) against the reference.</summary>
internal static class LrnDropoutChecks
{
    public static IEnumerable<KernelCheck> Cases()
    {
        foreach (var (dims, p) in new (int[], LrnParams)[]
        {
            ([2, 7, 5, 3], new LrnParams(5, 0.5)),
            ([1, 96, 5, 5], new LrnParams(variant: LrnVariant.AlexNetPaper)),
            ([1, 256, 3, 3], new LrnParams(variant: LrnVariant.AlexNetPaper)),
        })
        {
            var x = new TensorShape(dims);
            string shape = $"{x} n{p.Size} {p.Variant}";
            yield return new("lrn", "lrn_forward", shape, c => Lrn(c, x, p, backward: false));
            yield return new("lrn", "lrn_backward", shape, c => Lrn(c, x, p, backward: true));
        }
        foreach (var p in new[] { new DropoutParams(0.5f, 42), new DropoutParams(0.1f, 0xDEADBEEFCAFEF00D, 7), new DropoutParams(0.9f, 1234, 0x1_0000_0003) })
        {
            string shape = $"[1023] p{p.P}"; // each p has its own seed and offset
            yield return new("dropout", "dropout_apply_vec4", shape, c => Dropout(c, p, 1023));
        }
    }

    private static ComparisonResult Lrn(CheckContext c, TensorShape shape, LrnParams p, bool backward)
    {
        var (x, dy) = (RandomData.Uniform(shape.Elements, seed: 60, low: -2f, high: 2f), RandomData.Uniform(shape.Elements, seed: 61));
        var kernels = new LrnKernels(c.Library);
        var (xDevice, y, scale) = (c.Upload(shape, x), c.Poisoned(shape), c.Poisoned(shape));
        kernels.Forward(xDevice, p, y, scale);
        var expected = new float[shape.Elements];
        if (!backward)
        {
            LrnReference.Forward(x, shape, p, expected);
            return TensorComparison.Compare("lrn.y", expected, y.ToArray(), LayerTolerances.Pointwise, shape);
        }
        var dx = c.Poisoned(shape);
        kernels.Backward(c.Upload(shape, dy), xDevice, y, scale, p, dx);
        LrnReference.Backward(x, dy, shape, p, expected);
        return TensorComparison.Compare("lrn.dx", expected, dx.ToArray(), LayerTolerances.LrnBackward, shape);
    }

    /// <summary>Forward then backward with the same parameters; compares both outputs, concatenated, bit for bit.</summary>
    private static ComparisonResult Dropout(CheckContext c, DropoutParams p, int n)
    {
        var (x, dy) = (RandomData.Uniform(n, seed: 70), RandomData.Uniform(n, seed: 71));
        var kernels = new DropoutKernels(c.Library);
        var (y, dx) = (c.Poisoned(n), c.Poisoned(n));
        kernels.Forward(y, c.Upload(x), p, training: true);
        kernels.Backward(dx, c.Upload(dy), p, training: true);
        var (expectedY, expectedDx) = (new float[n], new float[n]);
        DropoutReference.Forward(x, expectedY, p, training: true);
        DropoutReference.Backward(dy, expectedDx, p, training: true);
        return TensorComparison.Compare("dropout.[y, dx]", [.. expectedY, .. expectedDx], [.. y.ToArray(), .. dx.ToArray()], LayerTolerances.Exact);
    }
}
