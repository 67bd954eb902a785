using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Tests.Reference;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

/// <summary>The device convolution (forward, backward data, backward filter, backward bias on the software GPU) through
/// the finite-difference gradient checker at the op level. The per-algorithm comparisons with the reference are in
/// ConvolutionKernelsTests; this checks the backward conventions (= for dx, += for dw and db) end to end.</summary>
public class ConvolutionGradientTests(SimHarness sim) : IClassFixture<SimHarness>
{
    [NvrtcFact]
    public void Device_backward_passes_the_gradient_check()
    {
        const ConvAlgorithm algorithm = ConvAlgorithm.Winograd4x4;
        // Tiny on purpose: two interpreted forward passes per input element.
        var xShape = new TensorShape(1, 1, 4, 4);
        var wShape = new TensorShape(2, 1, 3, 3);
        var p = new Conv2dParams(padding: 1);
        var yShape = p.OutputShape(xShape, wShape);
        const ConvAlgorithm filterAlgorithm = ConvAlgorithm.Im2colGemm; // Winograd has no backward-filter pass
        long elements = Math.Max(
            ConvAlgorithms.WorkspaceElements(ConvDirection.Forward, algorithm, xShape, wShape, p),
            ConvAlgorithms.WorkspaceElements(ConvDirection.BackwardData, algorithm, xShape, wShape, p));
        using var workspace = new DeviceBuffer<float>(sim.Gpu, Math.Max(elements,
            ConvAlgorithms.WorkspaceElements(ConvDirection.BackwardFilter, filterAlgorithm, xShape, wShape, p)));
        using var x = new Tensor(sim.Gpu, xShape);
        using var w = new Tensor(sim.Gpu, wShape);
        using var b = new Tensor(sim.Gpu, new TensorShape(wShape.N));
        using var y = new Tensor(sim.Gpu, yShape);
        using var dx = new Tensor(sim.Gpu, xShape);
        using var dw = new Tensor(sim.Gpu, wShape);
        using var db = new Tensor(sim.Gpu, new TensorShape(wShape.N));

        var problem = new GradientProblem
        {
            Name = "device conv Winograd4x4 forward/backward data, im2col backward filter, bias reduction",
            Inputs = [RandomData.Uniform(xShape.Elements, 51), RandomData.Uniform(wShape.Elements, 52), RandomData.Uniform(wShape.N, 53)],
            InputNames = ["x", "w", "b"],
            OutputLength = (int)yShape.Elements,
            Forward = (inputs, output) =>
            {
                x.Buffer.CopyFrom(inputs[0]);
                w.Buffer.CopyFrom(inputs[1]);
                b.Buffer.CopyFrom(inputs[2]);
                sim.Conv.Forward(x, w, b, y, p, algorithm, workspace);
                y.Buffer.CopyTo(output);
            },
            Backward = (inputs, gradient, grads) =>
            {
                x.Buffer.CopyFrom(inputs[0]);
                w.Buffer.CopyFrom(inputs[1]);
                y.Buffer.CopyFrom(gradient);
                dw.Buffer.CopyFrom(grads[1]); // zero-filled by the checker; dw and db accumulate
                db.Buffer.CopyFrom(grads[2]);
                sim.Conv.BackwardData(y, w, dx, p, algorithm, workspace);
                sim.Conv.BackwardFilter(x, y, dw, p, filterAlgorithm, workspace);
                sim.Conv.BackwardBias(y, db);
                dx.Buffer.CopyTo(grads[0]);
                dw.Buffer.CopyTo(grads[1]);
                db.Buffer.CopyTo(grads[2]);
            },
        };
        GradientProblems.AssertPasses(new GradientChecker().Check(problem), (int)(xShape.Elements + wShape.Elements + wShape.N));
    }
}
