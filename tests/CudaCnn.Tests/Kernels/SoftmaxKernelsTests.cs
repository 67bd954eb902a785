using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

public class SoftmaxKernelsTests
{
    public static TheoryData<int, int, float> Cases => new()
    {
        // rows, classes, logit spread (a spread of 200 overflows exp without the max subtraction)
        { 1, 10, 5f },
        { 3, 1, 5f },
        { 7, 33, 10f },
        { 16, 10, 200f },
        { 5, 1000, 8f },   // AlexNet's classifier
        { 2, 67, 1f },
    };

    [NvrtcTheory]
    [MemberData(nameof(Cases))]
    public void Cross_entropy_forward_and_backward_match_the_reference(int rows, int classes, float spread)
    {
        var shape = new TensorShape(rows, classes);
        var logits = RandomData.Uniform(shape.Elements, seed: 100, low: -spread, high: spread);
        var labels = RandomData.Integers(rows, classes, seed: 101);
        float expectedLoss = SoftmaxReference.CrossEntropyForward(logits, shape, labels);
        var expectedProbs = new float[shape.Elements];
        SoftmaxReference.Forward(logits, shape, expectedProbs);
        var expectedGrad = new float[shape.Elements];
        SoftmaxReference.CrossEntropyBackward(logits, shape, labels, expectedGrad, dLoss: 0.5f);

        using var sim = new SimHarness();
        var kernels = new SoftmaxKernels(sim.Library);
        var labelsDevice = sim.Upload(labels);
        var probs = sim.Poisoned(shape);
        var rowLoss = sim.PoisonedBuffer(rows);
        var loss = sim.PoisonedBuffer(1);
        kernels.CrossEntropyForward(sim.Upload(shape, logits), labelsDevice, probs, rowLoss, loss);
        SimHarness.AssertClose("probs", expectedProbs, probs.ToArray(), LayerTolerances.Pointwise, shape);
        SimHarness.AssertClose("loss", [expectedLoss], loss.ToArray(), LayerTolerances.Loss);

        var grad = sim.Poisoned(shape);
        kernels.CrossEntropyBackward(probs, labelsDevice, grad, lossGradient: 0.5f);
        SimHarness.AssertClose("dlogits", expectedGrad, grad.ToArray(), LayerTolerances.Pointwise, shape);

        var y = sim.Poisoned(new TensorShape(rows, classes, 1, 1));
        kernels.Forward(sim.Upload(new TensorShape(rows, classes, 1, 1), logits), y);
        SimHarness.AssertClose("softmax", expectedProbs, y.ToArray(), LayerTolerances.Pointwise, shape);
    }

    [NvrtcFact]
    public void A_label_outside_the_classes_gives_a_NaN_loss()
    {
        var shape = new TensorShape(2, 4);
        using var sim = new SimHarness();
        var kernels = new SoftmaxKernels(sim.Library);
        var rowLoss = sim.PoisonedBuffer(2);
        var loss = sim.PoisonedBuffer(1);
        kernels.CrossEntropyForward(sim.Upload(shape, new float[8]), sim.Upload(new[] { 1, 4 }), sim.Poisoned(shape), rowLoss, loss);
        var rows = rowLoss.ToArray();
        Assert.Equal(Math.Log(4), rows[0], 6);
        Assert.True(float.IsNaN(rows[1]));
        Assert.True(float.IsNaN(loss.ToArray()[0]));
    }
}
