using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;

namespace CudaCnn.Checks;

/// <summary>kernels/elementwise.cu against the reference, on flat lengths that are not multiples of the block size.</summary>
internal static class ElementwiseChecks
{
    /// <summary>Fill, copy, scale, add and ReLU are one correctly rounded float operation (or none) on both sides.</summary>
    private static readonly Tolerance Exact = new(0, 0);

    /// <summary>axpy is one fmaf on the device; the reference rounds a double a*x+y to float, which can differ by 1 ulp.</summary>
    private static readonly Tolerance OneUlp = new(0, 1.0 / (1 << 23));

    private static readonly int[] Lengths = [1, 257, 4099, 3 * 5 * 13 * 11];

    public static IEnumerable<KernelCheck> Cases()
    {
        foreach (int n in Lengths)
        {
            string shape = $"[{n}]";
            yield return new("elementwise", "fill", shape, c => Fill(c, n));
            yield return new("elementwise", "copy", shape, c => Copy(c, n));
            yield return new("elementwise", "scale", shape, c => Scale(c, n));
            yield return new("elementwise", "add", shape, c => Add(c, n));
            yield return new("elementwise", "axpy", shape, c => Axpy(c, n));
            yield return new("elementwise", "relu_forward", shape, c => ReluForward(c, n));
            yield return new("elementwise", "relu_backward", shape, c => ReluBackward(c, n));
        }
    }

    private static ComparisonResult Fill(CheckContext c, int n)
    {
        var y = c.Poisoned(n);
        new ElementwiseKernels(c.Library).Fill(y, 0.625f);
        var expected = new float[n];
        ElementwiseReference.Fill(expected, 0.625f);
        return TensorComparison.Compare("fill.y", expected, y.ToArray(), Exact);
    }

    private static ComparisonResult Copy(CheckContext c, int n)
    {
        float[] x = RandomData.Uniform(n, seed: 1);
        var y = c.Poisoned(n);
        new ElementwiseKernels(c.Library).Copy(y, c.Upload(x));
        return TensorComparison.Compare("copy.y", x, y.ToArray(), Exact);
    }

    private static ComparisonResult Scale(CheckContext c, int n)
    {
        float[] x = RandomData.Uniform(n, seed: 2);
        var y = c.Poisoned(n);
        new ElementwiseKernels(c.Library).Scale(y, c.Upload(x), -1.75f);
        var expected = new float[n];
        ElementwiseReference.Scale(x, -1.75f, expected);
        return TensorComparison.Compare("scale.y", expected, y.ToArray(), Exact);
    }

    private static ComparisonResult Add(CheckContext c, int n)
    {
        float[] a = RandomData.Uniform(n, seed: 3), b = RandomData.Uniform(n, seed: 4);
        var y = c.Poisoned(n);
        new ElementwiseKernels(c.Library).Add(y, c.Upload(a), c.Upload(b));
        var expected = new float[n];
        ElementwiseReference.Add(a, b, expected);
        return TensorComparison.Compare("add.y", expected, y.ToArray(), Exact);
    }

    private static ComparisonResult Axpy(CheckContext c, int n)
    {
        float[] x = RandomData.Uniform(n, seed: 5), y0 = RandomData.Uniform(n, seed: 6);
        var y = c.Upload(y0);
        new ElementwiseKernels(c.Library).Axpy(y, c.Upload(x), 0.3f);
        float[] expected = (float[])y0.Clone();
        ElementwiseReference.Axpy(0.3f, x, expected);
        return TensorComparison.Compare("axpy.y", expected, y.ToArray(), OneUlp);
    }

    private static ComparisonResult ReluForward(CheckContext c, int n)
    {
        float[] x = RandomData.Uniform(n, seed: 7);
        var y = c.Poisoned(n);
        new ElementwiseKernels(c.Library).ReluForward(y, c.Upload(x));
        var expected = new float[n];
        ActivationReference.Forward(x, expected, ActivationParams.ReLU);
        return TensorComparison.Compare("relu.y", expected, y.ToArray(), Exact);
    }

    private static ComparisonResult ReluBackward(CheckContext c, int n)
    {
        float[] x = RandomData.Uniform(n, seed: 8), dy = RandomData.Uniform(n, seed: 9);
        var dx = c.Poisoned(n);
        new ElementwiseKernels(c.Library).ReluBackward(dx, c.Upload(dy), c.Upload(x));
        var expected = new float[n];
        ActivationReference.Backward(x, dy, expected, ActivationParams.ReLU);
        return TensorComparison.Compare("relu.dx", expected, dx.ToArray(), Exact);
    }
}
