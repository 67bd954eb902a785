using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Oracle;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Oracle;

/// <summary>The cuDNN wrappers' own behaviour on a real GPU: the algorithm search, FMA math, write vs accumulate,
/// algorithm ownership and handle lifetime. Skipped without a GPU or cuDNN.</summary>
[Collection(OracleGpuCollection.Name)]
public sealed class CudnnWrapperGpuTests(OracleFixture fixture)
{
    private static readonly TensorShape X = new(2, 16, 14, 14);
    private static readonly TensorShape W = new(32, 16, 3, 3);
    private static readonly Conv2dParams P = new(padding: 1);

    private CudnnHandle Handle => fixture.Context.RequireCudnn;

    [CudnnFact]
    public void Find_lists_working_algorithms_fastest_first_and_Best_is_the_first()
    {
        using var conv = new CudnnConvolution(Handle, X, W, P);
        foreach (var direction in Enum.GetValues<ConvDirection>())
        {
            var found = conv.Find(direction);
            Assert.NotEmpty(found);
            Assert.All(found, a => Assert.True(a.WorkspaceBytes >= 0 && a.Milliseconds >= 0, a.ToString()));
            Assert.Equal(found.Select(a => a.Milliseconds).Order(), found.Select(a => a.Milliseconds));
            Assert.Equal(found[0].Value, conv.Best(direction).Value);
            Assert.Same(conv.Best(direction), conv.Best(direction));
        }
    }

    [CudnnFact]
    public void Fma_math_never_offers_a_tensor_op_algorithm()
    {
        using var conv = new CudnnConvolution(Handle, X, W, P, OracleMath.Fma);
        foreach (var direction in Enum.GetValues<ConvDirection>())
            Assert.All(conv.Find(direction), a => Assert.False(a.UsesTensorOps, a.ToString()));
    }

    [CudnnFact]
    public void Backward_filter_without_accumulate_overwrites_even_nan()
    {
        var ctx = fixture.Context;
        try
        {
            using var conv = new CudnnConvolution(Handle, X, W, P);
            var x = RandomData.Uniform(X.Elements, 1);
            var dy = RandomData.Uniform(conv.YShape.Elements, 2);
            var expected = new float[W.Elements];
            ConvolutionReference.BackwardFilter(x, X, dy, P, expected, W);
            var dw = ctx.Poisoned(W);
            conv.BackwardFilter(ctx.Upload(X, x), ctx.Upload(conv.YShape, dy), dw);
            var tolerance = OracleTolerances.CudnnConvolution(conv.Best(ConvDirection.BackwardFilter).Name, (long)X.N * X.H * X.W);
            TensorComparison.Compare("dw", expected, dw.ToArray(), tolerance, W).ThrowIfFailed();
        }
        finally
        {
            ctx.Release();
        }
    }

    [CudnnFact]
    public void An_algorithm_of_another_convolution_or_direction_is_refused()
    {
        var ctx = fixture.Context;
        try
        {
            using var first = new CudnnConvolution(Handle, X, W, P);
            using var second = new CudnnConvolution(Handle, X, W, P);
            var (x, w, y) = (ctx.Poisoned(X), ctx.Poisoned(W), ctx.Poisoned(first.YShape));
            var e = Assert.Throws<ArgumentException>(() => first.Forward(x, w, null, y, second.Best(ConvDirection.Forward)));
            Assert.Equal("algo", e.ParamName);
            Assert.Throws<ArgumentException>(() => first.Forward(x, w, null, y, first.Best(ConvDirection.BackwardData)));
        }
        finally
        {
            ctx.Release();
        }
    }

    [CudnnFact]
    public void Closing_the_device_destroys_its_handles_first()
    {
        var gpu = CudaGpu.Open();
        var handle = new CudnnHandle(gpu);
        Assert.InRange(handle.Version.Major, 8, 9);
        gpu.Dispose();
        handle.Dispose(); // already destroyed with the device: nothing left to do, nothing thrown
        Assert.Throws<ObjectDisposedException>(() => handle.Value);
    }
}
