using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

public class BatchNormKernelsTests
{
    public static TheoryData<int[]> Shapes => new()
    {
        new[] { 1, 1, 3, 3 },
        new[] { 2, 3, 5, 7 },
        new[] { 1, 7, 13, 11 },   // batch 1, odd sizes
        new[] { 4, 5, 2, 2 },
        new[] { 16, 10 },         // [N, C]: a fully connected layer
        new[] { 3, 33, 4, 4 },
    };

    [NvrtcTheory]
    [MemberData(nameof(Shapes))]
    public void Training_forward_backward_and_inference_match_the_reference(int[] dims)
    {
        var shape = new TensorShape(dims);
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
        var xDevice = sim.Upload(shape, x);
        var gammaDevice = sim.Upload(gamma);
        var betaDevice = sim.Upload(beta);
        var rm = sim.Upload(runningMean);
        var rv = sim.Upload(runningVar);
        var saveMean = sim.PoisonedBuffer(shape.C);
        var saveInvStd = sim.PoisonedBuffer(shape.C);
        var y = sim.Poisoned(shape);
        kernels.ForwardTraining(xDevice, gammaDevice, betaDevice, rm, rv, p, y, saveMean, saveInvStd);
        SimHarness.AssertClose("y", expected.Y, y.ToArray(), LayerTolerances.Normalized, shape);
        SimHarness.AssertClose("saveMean", expected.SaveMean, saveMean.ToArray(), LayerTolerances.Normalized);
        SimHarness.AssertClose("saveInvStd", expected.SaveInvStd, saveInvStd.ToArray(), LayerTolerances.Normalized);
        SimHarness.AssertClose("runningMean", expected.RunningMean, rm.ToArray(), LayerTolerances.Normalized);
        SimHarness.AssertClose("runningVar", expected.RunningVar, rv.ToArray(), LayerTolerances.Normalized);

        var dx = sim.Poisoned(shape);
        var dgamma = sim.Upload(dgammaStart);
        var dbeta = sim.Upload(dbetaStart);
        kernels.Backward(sim.Upload(shape, dy), xDevice, gammaDevice, saveMean, saveInvStd, dx, dgamma, dbeta);
        SimHarness.AssertClose("dx", expected.Dx, dx.ToArray(), LayerTolerances.Normalized, shape);
        SimHarness.AssertClose("dgamma (accumulated)", expected.Dgamma, dgamma.ToArray(), LayerTolerances.ChannelSums);
        SimHarness.AssertClose("dbeta (accumulated)", expected.Dbeta, dbeta.ToArray(), LayerTolerances.ChannelSums);

        var yInference = sim.Poisoned(shape);
        kernels.ForwardInference(xDevice, gammaDevice, betaDevice, rm, rv, p, yInference);
        SimHarness.AssertClose("y (inference)", expectedInference, yInference.ToArray(), LayerTolerances.Normalized, shape);
    }

    [NvrtcFact]
    public void Repeated_runs_give_identical_bits()
    {
        var shape = new TensorShape(3, 4, 9, 7);
        var p = new BatchNormParams();
        var x = RandomData.Uniform(shape.Elements, seed: 88);
        var dy = RandomData.Uniform(shape.Elements, seed: 89);
        var gamma = RandomData.Uniform(shape.C, seed: 90);
        using var sim = new SimHarness();
        var kernels = new BatchNormKernels(sim.Library);

        uint[][] Run()
        {
            var zeros = new float[shape.C];
            var y = sim.Poisoned(shape);
            var dx = sim.Poisoned(shape);
            var (saveMean, saveInvStd) = (sim.PoisonedBuffer(shape.C), sim.PoisonedBuffer(shape.C));
            var (dgamma, dbeta) = (sim.Upload(zeros), sim.Upload(zeros));
            var xDevice = sim.Upload(shape, x);
            var gammaDevice = sim.Upload(gamma);
            kernels.ForwardTraining(xDevice, gammaDevice, sim.Upload(zeros), sim.Upload(zeros), sim.Upload(zeros), p, y, saveMean, saveInvStd);
            kernels.Backward(sim.Upload(shape, dy), xDevice, gammaDevice, saveMean, saveInvStd, dx, dgamma, dbeta);
            return [.. new[] { y.ToArray(), dx.ToArray(), dgamma.ToArray(), dbeta.ToArray(), saveMean.ToArray() }
                .Select(a => a.Select(BitConverter.SingleToUInt32Bits).ToArray())];
        }

        var first = Run();
        var second = Run();
        for (int i = 0; i < first.Length; i++) Assert.Equal(first[i], second[i]);
    }

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
