using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

public class OptimizerKernelsTests
{
    private const int Steps = 3;
    private static readonly int[] Lengths = [1, 5, 1000];

    public static TheoryData<SgdParams> SgdCases => new()
    {
        new SgdParams(0.1),
        new SgdParams(0.05, momentum: 0.9),
        new SgdParams(0.05, momentum: 0.9, dampening: 0.3, weightDecay: 1e-2),
        new SgdParams(0.01, momentum: 0.8, weightDecay: 5e-4, nesterov: true),
    };

    [NvrtcTheory]
    [MemberData(nameof(SgdCases))]
    public void Sgd_matches_the_reference_over_several_steps(SgdParams p)
    {
        bool momentum = p.Momentum != 0;
        Run((sim, kernels, param, n) =>
        {
            var (expectedP, expectedBuf) = (param.Host, momentum ? new float[n] : null);
            var buf = momentum ? sim.Upload(new float[n]) : null;
            for (int step = 1; step <= Steps; step++)
            {
                var grad = Gradient(n, step);
                OptimizerReference.Sgd(expectedP, grad, expectedBuf, p, step);
                kernels.Sgd(param.Device, sim.Upload(grad), buf, p, step);
            }
            SimHarness.AssertClose("parameters", expectedP, param.Device.ToArray(), LayerTolerances.OptimizerStep);
            if (momentum) SimHarness.AssertClose("momentum buffer", expectedBuf!, buf!.ToArray(), LayerTolerances.OptimizerStep);
        });
    }

    public static TheoryData<RmsPropParams> RmsPropCases => new()
    {
        new RmsPropParams(),
        new RmsPropParams(0.01, alpha: 0.9, epsilon: 1e-6, weightDecay: 1e-3, momentum: 0.5),
    };

    [NvrtcTheory]
    [MemberData(nameof(RmsPropCases))]
    public void RmsProp_matches_the_reference_over_several_steps(RmsPropParams p)
    {
        bool momentum = p.Momentum > 0;
        Run((sim, kernels, param, n) =>
        {
            var (expectedP, expectedV, expectedBuf) = (param.Host, new float[n], momentum ? new float[n] : null);
            var v = sim.Upload(new float[n]);
            var buf = momentum ? sim.Upload(new float[n]) : null;
            for (int step = 1; step <= Steps; step++)
            {
                var grad = Gradient(n, step);
                OptimizerReference.RmsProp(expectedP, grad, expectedV, expectedBuf, p);
                kernels.RmsProp(param.Device, sim.Upload(grad), v, buf, p);
            }
            SimHarness.AssertClose("parameters", expectedP, param.Device.ToArray(), LayerTolerances.OptimizerStep);
            SimHarness.AssertClose("square average", expectedV, v.ToArray(), LayerTolerances.OptimizerStep);
            if (momentum) SimHarness.AssertClose("momentum buffer", expectedBuf!, buf!.ToArray(), LayerTolerances.OptimizerStep);
        });
    }

    public static TheoryData<AdamParams> AdamCases => new()
    {
        new AdamParams(),
        new AdamParams(0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 1e-2),
    };

    [NvrtcTheory]
    [MemberData(nameof(AdamCases))]
    public void Adam_matches_the_reference_over_several_steps(AdamParams p)
    {
        Run((sim, kernels, param, n) =>
        {
            var (expectedP, expectedM, expectedV) = (param.Host, new float[n], new float[n]);
            var (m, v) = (sim.Upload(new float[n]), sim.Upload(new float[n]));
            for (int step = 1; step <= Steps; step++)
            {
                var grad = Gradient(n, step);
                OptimizerReference.Adam(expectedP, grad, expectedM, expectedV, p, step);
                kernels.Adam(param.Device, sim.Upload(grad), m, v, p, step);
            }
            SimHarness.AssertClose("parameters", expectedP, param.Device.ToArray(), LayerTolerances.OptimizerStep);
            SimHarness.AssertClose("first moment", expectedM, m.ToArray(), LayerTolerances.OptimizerStep);
            SimHarness.AssertClose("second moment", expectedV, v.ToArray(), LayerTolerances.OptimizerStep);
        });
    }

    private static float[] Gradient(int n, int step) => RandomData.Uniform(n, seed: 140 + (ulong)step);

    private sealed record Parameters(float[] Host, DeviceBuffer<float> Device);

    private static void Run(Action<SimHarness, OptimizerKernels, Parameters, int> body)
    {
        using var sim = new SimHarness();
        var kernels = new OptimizerKernels(sim.Library);
        foreach (int n in Lengths)
        {
            var initial = RandomData.Uniform(n, seed: 150);
            body(sim, kernels, new Parameters(initial, sim.Upload(initial)), n);
        }
    }
}
