using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Reference;

public class ActivationReferenceTests
{
    private static readonly GradientChecker Checker = new();

    public static TheoryData<string> Kinds => new(Activations.Keys);

    private static readonly Dictionary<string, ActivationParams> Activations = new()
    {
        ["relu"] = ActivationParams.ReLU,
        ["leaky relu 0.1"] = new(ActivationKind.LeakyReLU, 0.1),
        ["elu 1"] = new(ActivationKind.ELU),
        ["elu 0.5"] = new(ActivationKind.ELU, 0.5),
        ["tanh"] = ActivationParams.Tanh,
        ["sigmoid"] = ActivationParams.Sigmoid,
        ["identity"] = ActivationParams.Identity,
    };

    [Fact]
    public void ValuesByHand()
    {
        float[] x = [-1, 0, 2];
        ReferenceTolerances.AssertClose("relu", [0, 0, 2], Run(x, ActivationParams.ReLU), ReferenceTolerances.HandValues);
        ReferenceTolerances.AssertClose("leaky", [-0.1f, 0, 2], Run(x, new(ActivationKind.LeakyReLU, 0.1)), ReferenceTolerances.HandValues);
        ReferenceTolerances.AssertClose("elu", [-0.63212056f, 0, 2], Run(x, new(ActivationKind.ELU)), ReferenceTolerances.HandValues);
        ReferenceTolerances.AssertClose("tanh", [-0.7615942f, 0, 0.9640276f], Run(x, ActivationParams.Tanh), ReferenceTolerances.HandValues);
        ReferenceTolerances.AssertClose("sigmoid", [0.26894142f, 0.5f, 0.8807971f], Run(x, ActivationParams.Sigmoid), ReferenceTolerances.HandValues);
    }

    [Fact]
    public void DerivativesAtZeroUseTheNegativeBranch()
    {
        Assert.Equal(0, ActivationReference.Derivative(ActivationParams.ReLU, 0));
        Assert.Equal(0.1, ActivationReference.Derivative(new(ActivationKind.LeakyReLU, 0.1), 0));
        Assert.Equal(0.5, ActivationReference.Derivative(new(ActivationKind.ELU, 0.5), 0));
        Assert.Equal(0.01, new ActivationParams(ActivationKind.LeakyReLU).Alpha);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BackwardPassesTheElementwiseGradientCheck(string kind)
    {
        var a = Activations[kind];
        var x = RandomData.Uniform(1001, 41, -3f, 3f);
        var problem = GradientProblems.Unary(kind, x, x.Length,
            (input, y) => ActivationReference.Forward(input, y, a),
            (input, dy, dx) => ActivationReference.Backward(input, dy, dx, a),
            nearKink: i => GradientChecker.NearAny(x[i], Checker.KinkRange, 0));
        GradientProblems.AssertPasses(Checker.CheckElementwise(problem), 990);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void FusedBiasActivationPassesTheGradientCheck(string kind)
    {
        var a = Activations[kind];
        var shape = new TensorShape(2, 3, 3, 5);
        var problem = new GradientProblem
        {
            Name = $"bias + {kind}",
            Inputs = [RandomData.Uniform(shape.Elements, 42, -2f, 2f), RandomData.Uniform(3, 43)],
            InputNames = ["x", "bias"],
            OutputLength = (int)shape.Elements,
            Forward = (inputs, y) => ActivationReference.BiasActivationForward(inputs[0], shape, inputs[1], y, a),
            Backward = (inputs, dy, grads) => ActivationReference.BiasActivationBackward(inputs[0], shape, inputs[1], dy, grads[0], grads[1], a),
        };
        // A kink at x + b = 0: skip x elements near it, and the bias check only while no element of its channel is near.
        var x = problem.Inputs[0];
        var b = problem.Inputs[1];
        bool Near(long i) => GradientChecker.NearAny(x[i] + b[i / 15 % 3], Checker.KinkRange, 0);
        var nearChannel = Enumerable.Range(0, 3).Select(c => Enumerable.Range(0, (int)shape.Elements).Any(i => i / 15 % 3 == c && Near(i))).ToArray();
        var result = Checker.Check(problem with { NearKink = (t, i) => t == 0 ? Near(i) : nearChannel[i] });
        GradientProblems.AssertPasses(result, 80);
    }

    [Fact]
    public void FusedBiasActivationMatchesBiasThenActivation()
    {
        var shape = new TensorShape(2, 3, 2, 2);
        var x = RandomData.Uniform(shape.Elements, 44);
        float[] bias = [0.5f, -0.25f, 1f];
        var fused = new float[x.Length];
        ActivationReference.BiasActivationForward(x, shape, bias, fused, ActivationParams.ReLU);
        var expected = x.Select((v, i) => MathF.Max(v + bias[i / 4 % 3], 0)).ToArray();
        ReferenceTolerances.AssertClose("bias+relu", expected, fused, ReferenceTolerances.DoublePaths);
    }

    private static float[] Run(float[] x, ActivationParams a)
    {
        var y = new float[x.Length];
        ActivationReference.Forward(x, y, a);
        return y;
    }
}
