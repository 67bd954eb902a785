using CudaCnn.Checks;
using System.Text.RegularExpressions;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

public class ActivationKernelsTests
{
    public static TheoryData<ActivationKind> Kinds => new()
    {
        ActivationKind.Identity, ActivationKind.ReLU, ActivationKind.LeakyReLU, ActivationKind.ELU, ActivationKind.Tanh,
        ActivationKind.Sigmoid,
    };

    private static ActivationParams Params(ActivationKind kind) => new(kind, kind switch
    {
        ActivationKind.LeakyReLU => 0.1,
        ActivationKind.ELU => 1.5,
        _ => null,
    });

    [Fact]
    public void Header_codes_match_the_ActivationKind_values()
    {
        string header = KernelSources.Get("activation.cuh").Text;
        var codes = Regex.Matches(header, @"#define ACT_(\w+) (\d+)").ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
        Assert.Equal((int)ActivationKind.Identity, codes["IDENTITY"]);
        Assert.Equal((int)ActivationKind.ReLU, codes["RELU"]);
        Assert.Equal((int)ActivationKind.LeakyReLU, codes["LEAKY_RELU"]);
        Assert.Equal((int)ActivationKind.ELU, codes["ELU"]);
        Assert.Equal((int)ActivationKind.Tanh, codes["TANH"]);
        Assert.Equal((int)ActivationKind.Sigmoid, codes["SIGMOID"]);
        Assert.Equal(Enum.GetValues<ActivationKind>().Length, codes.Count);
    }

    [NvrtcTheory]
    [MemberData(nameof(Kinds))]
    public void Forward_and_backward_match_the_reference_on_vector_and_scalar_paths(ActivationKind kind)
    {
        var a = Params(kind);
        using var sim = new SimHarness();
        foreach (int n in new[] { 1, 3, 4, 1021, 4096 })
        {
            // Include exact zeros: every kind takes its x <= 0 branch there.
            var x = RandomData.Uniform(n, seed: 40 + (ulong)n, low: -4f, high: 4f);
            x[0] = 0f;
            var dy = RandomData.Uniform(n, seed: 41);
            var expectedY = new float[n];
            ActivationReference.Forward(x, expectedY, a);
            var expectedDx = new float[n];
            ActivationReference.Backward(x, dy, expectedDx, a);

            foreach (bool vector in new[] { true, false })
            {
                var kernels = new ActivationKernels(sim.Library) { UseVectorKernels = vector };
                var y = sim.PoisonedBuffer(n);
                kernels.Forward(y, sim.Upload(x), a);
                SimHarness.AssertClose($"y (n {n}, vector {vector})", expectedY, y.ToArray(), LayerTolerances.Pointwise);
                var dx = sim.PoisonedBuffer(n);
                kernels.Backward(dx, sim.Upload(dy), sim.Upload(x), a);
                SimHarness.AssertClose($"dx (n {n}, vector {vector})", expectedDx, dx.ToArray(), LayerTolerances.Pointwise);
            }
        }
    }

    public static TheoryData<ActivationKind, int[]> BiasCases => new()
    {
        { ActivationKind.ReLU, [1, 3, 5, 5] },
        { ActivationKind.LeakyReLU, [2, 7, 4, 4] },   // H*W % 4 == 0: the float4 forward
        { ActivationKind.ELU, [3, 5, 3, 7] },
        { ActivationKind.Tanh, [4, 33, 1, 1] },
        { ActivationKind.Sigmoid, [8, 10] },          // [N, F]: a fully connected layer's bias
        { ActivationKind.ReLU, [2, 16, 8, 8] },
    };

    [NvrtcTheory]
    [MemberData(nameof(BiasCases))]
    public void Bias_activation_matches_the_reference(ActivationKind kind, int[] dims)
    {
        var a = Params(kind);
        var shape = new TensorShape(dims);
        var x = RandomData.Uniform(shape.Elements, seed: 50, low: -3f, high: 3f);
        var bias = RandomData.Uniform(shape.C, seed: 51);
        var dy = RandomData.Uniform(shape.Elements, seed: 52);
        var initialDbias = RandomData.Uniform(shape.C, seed: 53);
        var expectedY = new float[shape.Elements];
        ActivationReference.BiasActivationForward(x, shape, bias, expectedY, a);
        var expectedDx = new float[shape.Elements];
        var expectedDbias = (float[])initialDbias.Clone();
        ActivationReference.BiasActivationBackward(x, shape, bias, dy, expectedDx, expectedDbias, a);

        using var sim = new SimHarness();
        var kernels = new ActivationKernels(sim.Library);
        var xDevice = sim.Upload(shape, x);
        var biasDevice = sim.Upload(bias);
        var y = sim.Poisoned(shape);
        kernels.BiasForward(y, xDevice, biasDevice, a);
        SimHarness.AssertClose("y", expectedY, y.ToArray(), LayerTolerances.Pointwise, shape);

        var dx = sim.Poisoned(shape);
        var dbias = sim.Upload(initialDbias);
        kernels.BiasBackward(dx, dbias, sim.Upload(shape, dy), xDevice, biasDevice, a);
        SimHarness.AssertClose("dx", expectedDx, dx.ToArray(), LayerTolerances.Pointwise, shape);
        SimHarness.AssertClose("dbias (accumulated)", expectedDbias, dbias.ToArray(), LayerTolerances.ChannelSums);
    }
}
