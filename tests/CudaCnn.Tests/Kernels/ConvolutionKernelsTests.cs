using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

/// <summary>Convolution behaviour beyond the catalog's algorithm x direction x geometry matrix (ConvolutionChecks, run by
/// KernelCheckCatalogTests): fused activations and cached Winograd filters, on the software GPU with checkers on.</summary>
public class ConvolutionKernelsTests(SimHarness sim) : IClassFixture<SimHarness>
{
    private DeviceBuffer<float>? Workspace(ConvDirection direction, ConvAlgorithm algorithm, ConvCases.Case c)
    {
        long elements = ConvAlgorithms.WorkspaceElements(direction, algorithm, c.X, c.W, c.P);
        return elements == 0 ? null : new DeviceBuffer<float>(sim.Gpu, elements);
    }

    [NvrtcTheory]
    [InlineData(ConvAlgorithm.Im2colGemm)]
    [InlineData(ConvAlgorithm.Winograd2x2)]
    [InlineData(ConvAlgorithm.Winograd4x4)]
    public void Forward_fuses_every_activation(ConvAlgorithm algorithm)
    {
        var c = ConvCases.All["3x3-pad1"];
        var x = RandomData.Uniform(c.X.Elements, 32);
        var w = RandomData.Uniform(c.W.Elements, 33);
        var bias = RandomData.Uniform(c.W.N, 34);
        var yShape = c.P.OutputShape(c.X, c.W);
        var linear = new float[yShape.Elements];
        ConvolutionReference.Forward(x, c.X, w, c.W, bias, c.P, linear);
        using var dx = sim.Upload(c.X, x);
        using var dw = sim.Upload(c.W, w);
        using var db = sim.Upload(new TensorShape(c.W.N), bias);
        using var dy = new Tensor(sim.Gpu, yShape);
        using var workspace = Workspace(ConvDirection.Forward, algorithm, c);
        foreach (var kind in Enum.GetValues<ActivationKind>())
        {
            var activation = new ActivationParams(kind, kind == ActivationKind.LeakyReLU ? 0.2 : null);
            sim.Conv.Forward(dx, dw, db, dy, c.P, algorithm, workspace, activation);
            var expected = linear.Select(v => (float)ActivationReference.Apply(activation, v)).ToArray();
            TensorComparison.Compare($"{algorithm} {kind} y", expected, dy.ToArray(),
                ConvTolerances.For(algorithm, c.W.C * 9 + 1), yShape).ThrowIfFailed();
        }
    }

    [NvrtcTheory]
    [InlineData(ConvAlgorithm.Winograd2x2, ConvDirection.Forward)]
    [InlineData(ConvAlgorithm.Winograd4x4, ConvDirection.BackwardData)]
    public void A_cached_winograd_filter_gives_the_same_result_and_needs_less_workspace(ConvAlgorithm algorithm, ConvDirection direction)
    {
        var c = ConvCases.All["odd-N3-C5-13x11-K7"];
        var yShape = c.P.OutputShape(c.X, c.W);
        var (inShape, outShape) = direction == ConvDirection.Forward ? (c.X, yShape) : (yShape, c.X);
        var input = RandomData.Uniform(inShape.Elements, 35);
        using var din = sim.Upload(inShape, input);
        using var dw = sim.Upload(c.W, RandomData.Uniform(c.W.Elements, 36));
        using var fresh = new Tensor(sim.Gpu, outShape);
        using var cached = new Tensor(sim.Gpu, outShape);
        long full = ConvAlgorithms.WorkspaceElements(direction, algorithm, c.X, c.W, c.P);
        long lean = ConvAlgorithms.WorkspaceElements(direction, algorithm, c.X, c.W, c.P, filterCached: true);
        Assert.True(lean < full, $"cached {lean} vs {full}");
        using var workspace = new DeviceBuffer<float>(sim.Gpu, full);
        using var leanWorkspace = new DeviceBuffer<float>(sim.Gpu, lean);
        using var filter = sim.Conv.TransformFilter(dw, algorithm, direction);
        if (direction == ConvDirection.Forward)
        {
            sim.Conv.Forward(din, dw, null, fresh, c.P, algorithm, workspace);
            sim.Conv.Forward(din, dw, null, cached, c.P, algorithm, leanWorkspace, filter: filter);
        }
        else
        {
            sim.Conv.BackwardData(din, dw, fresh, c.P, algorithm, workspace);
            sim.Conv.BackwardData(din, dw, cached, c.P, algorithm, leanWorkspace, filter);
        }
        Assert.Equal(fresh.ToArray(), cached.ToArray());
    }
}
