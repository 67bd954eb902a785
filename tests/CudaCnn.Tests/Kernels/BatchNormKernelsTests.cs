using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

public class BatchNormKernelsTests
{
    /// <summary>Shapes and the blocks per channel the launcher picks: one (the single-kernel path) or a split.</summary>
    public static TheoryData<int[], int> Shapes => new()
    {
        { new[] { 1, 1, 3, 3 }, 1 },
        { new[] { 2, 3, 5, 7 }, 1 },
        { new[] { 1, 7, 13, 11 }, 1 },     // batch 1, odd sizes
        { new[] { 4, 5, 2, 2 }, 1 },
        { new[] { 16, 10 }, 1 },           // [N, C]: a fully connected layer
        { new[] { 3, 33, 4, 4 }, 1 },
        { new[] { 4, 64, 5, 5 }, 1 },      // C = 64, small spatial
        { new[] { 3, 1, 97, 101 }, 7 },    // C = 1: 29,391 values in 6 chunks of 4,224 and one of 4,047
        { new[] { 5, 3, 41, 43 }, 2 },     // C = 3: 8,815 values in chunks of 4,416 and 4,399
        { new[] { 2, 5, 61, 67 }, 1 },     // 8,174 values: under two chunks' minimum, one block per channel
        { new[] { 9000, 2 }, 2 },          // [N, C] with a long batch (H*W = 1): chunks of 4,512 and 4,488
    };

    [NvrtcTheory]
    [MemberData(nameof(Shapes))]
    public void Training_forward_backward_and_inference_match_the_reference(int[] dims, int chunks)
    {
        var shape = new TensorShape(dims);
        Assert.Equal(chunks, BatchNormKernels.Chunks(shape));
        var p = new BatchNormParams(epsilon: 1e-5, momentum: 0.1);
        var x = RandomData.Uniform(shape.Elements, seed: 80, low: -2f, high: 3f);
        var gamma = RandomData.Uniform(shape.C, seed: 81, low: 0.5f, high: 1.5f);
        var beta = RandomData.Uniform(shape.C, seed: 82);
        var dy = RandomData.Uniform(shape.Elements, seed: 83);
        var runningMean = RandomData.Uniform(shape.C, seed: 84);
        var runningVar = RandomData.Uniform(shape.C, seed: 85, low: 0.5f, high: 2f);
        var dgammaStart = RandomData.Uniform(shape.C, seed: 86);
        var dbetaStart = RandomData.Uniform(shape.C, seed: 87);

        var expected = new Expected(shape, runningMean, runningVar, dgammaStart, dbetaStart);
        BatchNormReference.TrainingForward(x, shape, gamma, beta, p, expected.Y, expected.RunningMean, expected.RunningVar,
            expected.SaveMean, expected.SaveInvStd);
        BatchNormReference.Backward(x, dy, shape, gamma, expected.SaveMean, expected.SaveInvStd, expected.Dx, expected.Dgamma,
            expected.Dbeta);
        var expectedInference = new float[shape.Elements];
        BatchNormReference.EvalForward(x, shape, gamma, beta, expected.RunningMean, expected.RunningVar, p, expectedInference);

        using var sim = new SimHarness();
        var kernels = new BatchNormKernels(sim.Library);
        var workspace = Workspace(sim, shape);
        var xDevice = sim.Upload(shape, x);
        var gammaDevice = sim.Upload(gamma);
        var betaDevice = sim.Upload(beta);
        var rm = sim.Upload(runningMean);
        var rv = sim.Upload(runningVar);
        var saveMean = sim.PoisonedBuffer(shape.C);
        var saveInvStd = sim.PoisonedBuffer(shape.C);
        var y = sim.Poisoned(shape);
        kernels.ForwardTraining(xDevice, gammaDevice, betaDevice, rm, rv, p, y, saveMean, saveInvStd, workspace);
        SimHarness.AssertClose("y", expected.Y, y.ToArray(), LayerTolerances.Normalized, shape);
        SimHarness.AssertClose("saveMean", expected.SaveMean, saveMean.ToArray(), LayerTolerances.Normalized);
        SimHarness.AssertClose("saveInvStd", expected.SaveInvStd, saveInvStd.ToArray(), LayerTolerances.Normalized);
        SimHarness.AssertClose("runningMean", expected.RunningMean, rm.ToArray(), LayerTolerances.Normalized);
        SimHarness.AssertClose("runningVar", expected.RunningVar, rv.ToArray(), LayerTolerances.Normalized);

        var dx = sim.Poisoned(shape);
        var dgamma = sim.Upload(dgammaStart);
        var dbeta = sim.Upload(dbetaStart);
        kernels.Backward(sim.Upload(shape, dy), xDevice, gammaDevice, saveMean, saveInvStd, dx, dgamma, dbeta, workspace);
        SimHarness.AssertClose("dx", expected.Dx, dx.ToArray(), LayerTolerances.Normalized, shape);
        SimHarness.AssertClose("dgamma (accumulated)", expected.Dgamma, dgamma.ToArray(), LayerTolerances.ChannelSums);
        SimHarness.AssertClose("dbeta (accumulated)", expected.Dbeta, dbeta.ToArray(), LayerTolerances.ChannelSums);

        var yInference = sim.Poisoned(shape);
        kernels.ForwardInference(xDevice, gammaDevice, betaDevice, rm, rv, p, yInference);
        SimHarness.AssertClose("y (inference)", expectedInference, yInference.ToArray(), LayerTolerances.Normalized, shape);
    }

    [Theory]
    [InlineData(new[] { 32, 64, 112, 112 }, 16)]   // ResNet-50's first batch norm: 64 x 16 = 1,024 blocks
    [InlineData(new[] { 32, 256, 56, 56 }, 4)]
    [InlineData(new[] { 32, 2048, 7, 7 }, 1)]      // C alone fills the GPU
    [InlineData(new[] { 1, 3, 64, 64 }, 1)]        // 4,096 values: one chunk's minimum
    [InlineData(new[] { 1, 1, 4096, 4096 }, 1024)] // capped by the block target
    public void The_chunk_rule_fills_the_gpu_without_tiny_chunks(int[] dims, int chunks)
    {
        var shape = new TensorShape(dims);
        Assert.Equal(chunks, BatchNormKernels.Chunks(shape));
        Assert.Equal(chunks == 1 ? 0 : 2L * shape.C * chunks, BatchNormKernels.WorkspaceElements(shape));
    }

    [NvrtcFact]
    public void A_split_shape_without_a_large_enough_workspace_is_rejected_before_any_launch()
    {
        var shape = new TensorShape(3, 1, 97, 101);
        using var sim = new SimHarness();
        var kernels = new BatchNormKernels(sim.Library);
        var (x, y, c) = (sim.Upload(shape, new float[shape.Elements]), sim.Poisoned(shape), sim.Upload(new float[1]));
        var missing = Assert.Throws<ArgumentException>(() => kernels.ForwardTraining(x, c, c, c, c, new BatchNormParams(), y, c, c));
        Assert.Equal("workspace", missing.ParamName);
        var small = sim.PoisonedBuffer(BatchNormKernels.WorkspaceElements(shape) - 1);
        var tooSmall = Assert.Throws<ArgumentException>(() => kernels.Backward(y, x, c, c, c, y, c, c, small));
        Assert.Equal("workspace", tooSmall.ParamName);
        Assert.Contains("expected at least 14", tooSmall.Message);
    }

    [NvrtcTheory]
    [InlineData(new[] { 3, 4, 9, 7 })]    // one block per channel
    [InlineData(new[] { 3, 1, 97, 101 })] // 7 chunks per channel
    public void Repeated_runs_give_identical_bits(int[] dims)
    {
        var shape = new TensorShape(dims);
        var p = new BatchNormParams();
        var x = RandomData.Uniform(shape.Elements, seed: 88);
        var dy = RandomData.Uniform(shape.Elements, seed: 89);
        var gamma = RandomData.Uniform(shape.C, seed: 90);
        using var sim = new SimHarness();
        var kernels = new BatchNormKernels(sim.Library);
        var workspace = Workspace(sim, shape);

        uint[][] Run()
        {
            var zeros = new float[shape.C];
            var y = sim.Poisoned(shape);
            var dx = sim.Poisoned(shape);
            var (saveMean, saveInvStd) = (sim.PoisonedBuffer(shape.C), sim.PoisonedBuffer(shape.C));
            var (dgamma, dbeta) = (sim.Upload(zeros), sim.Upload(zeros));
            var xDevice = sim.Upload(shape, x);
            var gammaDevice = sim.Upload(gamma);
            kernels.ForwardTraining(xDevice, gammaDevice, sim.Upload(zeros), sim.Upload(zeros), sim.Upload(zeros), p, y, saveMean, saveInvStd, workspace);
            kernels.Backward(sim.Upload(shape, dy), xDevice, gammaDevice, saveMean, saveInvStd, dx, dgamma, dbeta, workspace);
            return [.. new[] { y.ToArray(), dx.ToArray(), dgamma.ToArray(), dbeta.ToArray(), saveMean.ToArray() }
                .Select(a => a.Select(BitConverter.SingleToUInt32Bits).ToArray())];
        }

        var first = Run();
        var second = Run();
        for (int i = 0; i < first.Length; i++) Assert.Equal(first[i], second[i]);
    }

    /// <summary>A poisoned workspace when the shape is split (the kernels must not read what they did not write).</summary>
    private static DeviceBuffer<float>? Workspace(SimHarness sim, TensorShape shape) =>
        BatchNormKernels.WorkspaceElements(shape) is var n && n > 0 ? sim.PoisonedBuffer(n) : null;

    private sealed class Expected(TensorShape shape, float[] runningMean, float[] runningVar, float[] dgamma, float[] dbeta)
    {
        public float[] Y { get; } = new float[shape.Elements];
        public float[] Dx { get; } = new float[shape.Elements];
        public float[] SaveMean { get; } = new float[shape.C];
        public float[] SaveInvStd { get; } = new float[shape.C];
        public float[] RunningMean { get; } = (float[])runningMean.Clone();
        public float[] RunningVar { get; } = (float[])runningVar.Clone();
        public float[] Dgamma { get; } = (float[])dgamma.Clone();
        public float[] Dbeta { get; } = (float[])dbeta.Clone();
    }
}
