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
    public void One_SGD_step_matches_the_reference(string name)
    {
        var (refModel, input, classes) = TrainingStepTests.Reduced(name);
        var (simModel, _, _) = TrainingStepTests.Reduced(name);
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

    private static float[] Update(float[] before, float[] after) => [.. after.Select((v, i) => v - before[i])];
}
