using CudaCnn.Graph;
using CudaCnn.Models;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Sim;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Graph;

/// <summary>One training step on the software GPU (KernelOps over SimGpu) against the same step on the CPU reference,
/// from the same seeded weights, input and labels: the loss and every parameter after the update must agree.</summary>
public class SimTrainingStepTests
{
    /// <summary>A whole network's forward, backward and update: float32 GEMM/conv sums of a few hundred terms per layer
    /// against the double-accumulating reference, compounded through the layers; an indexing or sign error costs O(1).</summary>
    private static readonly Tolerance StepTolerance = new(1e-5, 1e-3);

    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);

    [NvrtcTheory]
    [InlineData("lenet5-relu")]
    [InlineData("lenet5-tanh")]
    [InlineData("alexnet")] // LRN, max pooling, dropout (Philox masks, identical by design), at 67x67, widths / 16
    [InlineData("resnet18-tiny")] // batch norm, residual adds, global average pooling, at 48x48, base width 2
    public void One_SGD_step_matches_the_reference(string name)
    {
        var (refModel, input, classes) = Reduced(name);
        var (simModel, _, _) = Reduced(name);
        var values = RandomData.Uniform(input.Elements, 11);
        var labels = RandomData.Integers(input.N, classes, 12);
        var sgd = new SgdParams(learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4);

        using var host = new HostMemoryDevice();
        using var refNet = Network.Build(refModel, new ReferenceOps(host), input, seed: 7);
        using var refTrainer = new Trainer(refNet, new Sgd(refNet, sgd));
        using var refX = refNet.CreateInput(input, values);

        using var gpu = new SimGpu();
        using var library = new KernelLibrary(gpu, Compiler);
        using var ops = new KernelOps(library);
        using var simNet = Network.Build(simModel, ops, input, seed: 7);
        using var simTrainer = new Trainer(simNet, new Sgd(simNet, sgd));
        using var simX = simNet.CreateInput(input, values);

        Assert.Equal("Sim", ops.Backend);
        var before = refModel.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value.ToArray());
        foreach (var (pname, p) in simModel.NamedParameters())
            Assert.Equal(before[pname], p.Value.ToArray());

        refTrainer.Step(refX, labels);
        simTrainer.Step(simX, labels);

        TensorComparison.Compare("loss", [refTrainer.ReadLoss()], [simTrainer.ReadLoss()], StepTolerance).ThrowIfFailed();
        var simParams = simModel.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value.ToArray());
        foreach (var (pname, p) in refModel.NamedParameters())
        {
            var expected = Update(before[pname], p.Value.ToArray());
            Assert.Contains(expected, u => u != 0);
            TensorComparison.Compare($"{name}.{pname} update", expected, Update(before[pname], simParams[pname]), StepTolerance).ThrowIfFailed();
        }
    }

    /// <summary>The reference step test's reduced models, and ResNet-18 at a quarter of its reduced width for the
    /// interpreter (layer4 keeps a 2x2 map so batch norm sees 8 values per channel).</summary>
    private static (Module Model, TensorShape Input, int Classes) Reduced(string name) => name == "resnet18-tiny"
        ? (ResNet.ResNet18(numClasses: 10, baseWidth: 2), new TensorShape(2, 3, 48, 48), 10)
        : TrainingStepTests.Reduced(name);

    private static float[] Update(float[] before, float[] after) => [.. after.Select((v, i) => v - before[i])];
}
