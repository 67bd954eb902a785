using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

/// <summary>Every convolution algorithm and direction on the software GPU (checkers on) against ConvolutionReference.</summary>
public class ConvolutionKernelsTests(SimKernels sim) : IClassFixture<SimKernels>
{
    public static TheoryData<string, ConvAlgorithm> Forward => Combinations(ConvDirection.Forward);
    public static TheoryData<string, ConvAlgorithm> BackwardData => Combinations(ConvDirection.BackwardData);
    public static TheoryData<string, ConvAlgorithm> BackwardFilter => Combinations(ConvDirection.BackwardFilter);

    /// <summary>Every case with every algorithm that supports it (Auto included).</summary>
    private static TheoryData<string, ConvAlgorithm> Combinations(ConvDirection direction)
    {
        var data = new TheoryData<string, ConvAlgorithm>();
        foreach (var (name, c) in ConvCases.All)
            foreach (var algorithm in Enum.GetValues<ConvAlgorithm>())
                if (ConvAlgorithms.WhyUnsupported(algorithm, direction, c.W, c.P) is null)
                    data.Add(name, algorithm);
        return data;
    }

    private static Tolerance ToleranceFor(ConvAlgorithm concrete, long reduction)
    {
        var t = KernelTolerances.Reduction(reduction);
        return concrete switch
        {
            ConvAlgorithm.Winograd2x2 => KernelTolerances.Scaled(t, KernelTolerances.Winograd2x2Factor),
            ConvAlgorithm.Winograd4x4 => KernelTolerances.Scaled(t, KernelTolerances.Winograd4x4Factor),
            _ => t,
        };
    }

    private DeviceBuffer<float>? Workspace(ConvDirection direction, ConvAlgorithm algorithm, ConvCases.Case c)
    {
        long elements = ConvAlgorithms.WorkspaceElements(direction, algorithm, c.X, c.W, c.P);
        return elements == 0 ? null : new DeviceBuffer<float>(sim.Gpu, elements);
    }

    [NvrtcTheory]
    [MemberData(nameof(Forward))]
    public void Forward_with_bias_matches_the_reference(string name, ConvAlgorithm algorithm)
    {
        var c = ConvCases.All[name];
        var x = RandomData.Uniform(c.X.Elements, 21);
        var w = RandomData.Uniform(c.W.Elements, 22);
        var bias = RandomData.Uniform(c.W.N, 23);
        var yShape = c.P.OutputShape(c.X, c.W);
        var expected = new float[yShape.Elements];
        ConvolutionReference.Forward(x, c.X, w, c.W, bias, c.P, expected);

        using var dx = sim.Upload(c.X, x);
        using var dw = sim.Upload(c.W, w);
        using var db = sim.Upload(new TensorShape(c.W.N), bias);
        using var dy = new Tensor(sim.Gpu, yShape);
        using var workspace = Workspace(ConvDirection.Forward, algorithm, c);
        sim.Conv.Forward(dx, dw, db, dy, c.P, algorithm, workspace);

        var concrete = ConvAlgorithms.Resolve(algorithm, ConvDirection.Forward, c.X, c.W, c.P);
        long reduction = c.W.C * c.W.H * c.W.W + 1;
        TensorComparison.Compare($"{name} {algorithm} ({concrete}) y", expected, dy.ToArray(), ToleranceFor(concrete, reduction), yShape)
            .ThrowIfFailed();
    }

    [NvrtcTheory]
    [MemberData(nameof(BackwardData))]
    public void Backward_data_matches_the_reference(string name, ConvAlgorithm algorithm)
    {
        var c = ConvCases.All[name];
        var yShape = c.P.OutputShape(c.X, c.W);
        var dy = RandomData.Uniform(yShape.Elements, 24);
        var w = RandomData.Uniform(c.W.Elements, 25);
        var expected = new float[c.X.Elements];
        ConvolutionReference.BackwardData(dy, w, c.W, c.P, expected, c.X);

        using var ddy = sim.Upload(yShape, dy);
        using var dw = sim.Upload(c.W, w);
        // dx starts as garbage: backward data writes (=) every element.
        using var ddx = sim.Upload(c.X, RandomData.Uniform(c.X.Elements, 26, 100f, 200f));
        using var workspace = Workspace(ConvDirection.BackwardData, algorithm, c);
        sim.Conv.BackwardData(ddy, dw, ddx, c.P, algorithm, workspace);

        var concrete = ConvAlgorithms.Resolve(algorithm, ConvDirection.BackwardData, c.X, c.W, c.P);
        long reduction = c.W.N / c.P.Groups * c.W.H * c.W.W;
        TensorComparison.Compare($"{name} {algorithm} ({concrete}) dx", expected, ddx.ToArray(), ToleranceFor(concrete, reduction), c.X)
            .ThrowIfFailed();
    }

    [NvrtcTheory]
    [MemberData(nameof(BackwardFilter))]
    public void Backward_filter_accumulates_like_the_reference(string name, ConvAlgorithm algorithm)
    {
        var c = ConvCases.All[name];
        var yShape = c.P.OutputShape(c.X, c.W);
        var x = RandomData.Uniform(c.X.Elements, 27);
        var dy = RandomData.Uniform(yShape.Elements, 28);
        var prior = RandomData.Uniform(c.W.Elements, 29);
        var expected = (float[])prior.Clone();
        ConvolutionReference.BackwardFilter(x, c.X, dy, c.P, expected, c.W);

        using var dx = sim.Upload(c.X, x);
        using var ddy = sim.Upload(yShape, dy);
        using var ddw = sim.Upload(c.W, prior);
        using var workspace = Workspace(ConvDirection.BackwardFilter, algorithm, c);
        sim.Conv.BackwardFilter(dx, ddy, ddw, c.P, algorithm, workspace);

        long reduction = (long)yShape.N * yShape.H * yShape.W + 1;
        TensorComparison.Compare($"{name} {algorithm} dw", expected, ddw.ToArray(), KernelTolerances.Reduction(reduction), c.W)
            .ThrowIfFailed();
    }

    [NvrtcFact]
    public void Backward_bias_accumulates_like_the_reference()
    {
        var shape = new TensorShape(3, 5, 7, 9);
        var dy = RandomData.Uniform(shape.Elements, 30);
        var prior = RandomData.Uniform(shape.C, 31);
        var expected = (float[])prior.Clone();
        ConvolutionReference.BackwardBias(dy, shape, expected);
        using var ddy = sim.Upload(shape, dy);
        using var ddb = sim.Upload(new TensorShape(shape.C), prior);
        sim.Conv.BackwardBias(ddy, ddb);
        TensorComparison.Compare("db", expected, ddb.ToArray(), KernelTolerances.Reduction(shape.N * shape.H * shape.W + 1)).ThrowIfFailed();
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
            var expected = linear.Select(v => KernelTolerances.Activate(activation, v)).ToArray();
            TensorComparison.Compare($"{algorithm} {kind} y", expected, dy.ToArray(),
                ToleranceFor(algorithm, c.W.C * 9 + 1), yShape).ThrowIfFailed();
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
