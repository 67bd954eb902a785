using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Checks;

/// <summary>kernels/activation.cu against the reference: every activation forward and backward on a length that is
/// not a multiple of 4 (float4 body and scalar tail), and bias + activation on NCHW and [N, F] shapes.</summary>
internal static class ActivationChecks
{
    private const int Length = 1021;

    private static readonly ActivationParams[] Activations =
    [
        ActivationParams.ReLU, new(ActivationKind.LeakyReLU, 0.1), new(ActivationKind.ELU, 1.5), ActivationParams.Tanh,
        ActivationParams.Sigmoid,
    ];

    public static IEnumerable<KernelCheck> Cases()
    {
        foreach (var a in Activations)
        {
            string shape = $"[{Length}] {a.Kind}";
            yield return new("activation", "activation_forward_vec4", shape, c => Forward(c, a));
            yield return new("activation", "activation_backward_vec4", shape, c => Backward(c, a));
        }
        foreach (var (dims, a) in new (int[], ActivationParams)[]
        {
            ([2, 7, 4, 4], new(ActivationKind.LeakyReLU, 0.1)), ([3, 5, 3, 7], new(ActivationKind.ELU, 1.5)), ([8, 10], ActivationParams.Sigmoid),
        })
        {
            var x = new TensorShape(dims);
            string shape = $"{x} {a.Kind}";
            string forward = x.H * x.W % 4 == 0 ? "bias_activation_forward_vec4" : "bias_activation_forward_f32";
            yield return new("activation", forward, shape, c => BiasForward(c, x, a));
            yield return new("activation", "bias_activation_backward", shape, c => BiasBackward(c, x, a));
        }
    }

    private static float[] Input(long n)
    {
        var x = RandomData.Uniform(n, seed: 40, low: -4f, high: 4f);
        x[0] = 0f; // every kind takes its x <= 0 branch at 0
        return x;
    }

    private static ComparisonResult Forward(CheckContext c, ActivationParams a)
    {
        var x = Input(Length);
        var y = c.Poisoned(Length);
        new ActivationKernels(c.Library).Forward(y, c.Upload(x), a);
        var expected = new float[Length];
        ActivationReference.Forward(x, expected, a);
        return TensorComparison.Compare($"{a.Kind}.y", expected, y.ToArray(), LayerTolerances.Pointwise);
    }

    private static ComparisonResult Backward(CheckContext c, ActivationParams a)
    {
        var (x, dy) = (Input(Length), RandomData.Uniform(Length, seed: 41));
        var dx = c.Poisoned(Length);
        new ActivationKernels(c.Library).Backward(dx, c.Upload(dy), c.Upload(x), a);
        var expected = new float[Length];
        ActivationReference.Backward(x, dy, expected, a);
        return TensorComparison.Compare($"{a.Kind}.dx", expected, dx.ToArray(), LayerTolerances.Pointwise);
    }

    private static ComparisonResult BiasForward(CheckContext c, TensorShape shape, ActivationParams a)
    {
        var (x, bias) = (Input(shape.Elements), RandomData.Uniform(shape.C, seed: 51));
        var y = c.Poisoned(shape);
        new ActivationKernels(c.Library).BiasForward(y, c.Upload(shape, x), c.Upload(bias), a);
        var expected = new float[shape.Elements];
        ActivationReference.BiasActivationForward(x, shape, bias, expected, a);
        return TensorComparison.Compare($"bias+{a.Kind}.y", expected, y.ToArray(), LayerTolerances.Pointwise, shape);
    }

    /// <summary>Compares dbias (accumulated onto non-zero values); dx is covered by the tests.</summary>
    private static ComparisonResult BiasBackward(CheckContext c, TensorShape shape, ActivationParams a)
    {
        var (x, bias, dy) = (Input(shape.Elements), RandomData.Uniform(shape.C, seed: 51), RandomData.Uniform(shape.Elements, seed: 52));
        var dbiasStart = RandomData.Uniform(shape.C, seed: 53);
        var dbias = c.Upload(dbiasStart);
        new ActivationKernels(c.Library).BiasBackward(c.Poisoned(shape), dbias, c.Upload(shape, dy), c.Upload(shape, x), c.Upload(bias), a);
        var expected = (float[])dbiasStart.Clone();
        ActivationReference.BiasActivationBackward(x, shape, bias, dy, new float[shape.Elements], expected, a);
        return TensorComparison.Compare($"bias+{a.Kind}.dbias", expected, dbias.ToArray(), LayerTolerances.ChannelSums);
    }
}
