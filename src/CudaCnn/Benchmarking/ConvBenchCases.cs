using CudaCnn.Kernels;
using CudaCnn.Runtime;

namespace CudaCnn.Benchmarking;

/// <summary>Our convolution per layer, direction and applicable algorithm, and our GEMM per shape.</summary>
public static class ConvBenchCases
{
    public static readonly ConvDirection[] Directions = [ConvDirection.Forward, ConvDirection.BackwardData, ConvDirection.BackwardFilter];

    public static readonly ConvAlgorithm[] Algorithms =
        [ConvAlgorithm.Im2colGemm, ConvAlgorithm.Gemm1x1, ConvAlgorithm.Winograd2x2, ConvAlgorithm.Winograd4x4];

    /// <summary>"alexnet.conv2.b128.fwd": the group shared by every implementation of one layer and direction.</summary>
    public static string Group(ConvLayer layer, ConvDirection direction) => $"{layer.Id}.{DirectionName(direction)}";

    public static string DirectionName(ConvDirection direction) => direction switch
    {
        ConvDirection.Forward => "fwd",
        ConvDirection.BackwardData => "bwd-data",
        ConvDirection.BackwardFilter => "bwd-filter",
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "unknown direction"),
    };

    /// <summary>One case per algorithm that can compute the layer in that direction.</summary>
    public static IEnumerable<BenchCase> For(ConvLayer layer, ConvDirection direction)
    {
        foreach (var algorithm in Algorithms)
        {
            if (!ConvAlgorithms.Supports(algorithm, direction, layer.Weight, layer.Params)) continue;
            yield return new BenchCase("conv", Group(layer, direction), $"ours.{algorithm}",
                BenchCost.ConvFlops(layer.X, layer.Weight, layer.Params), BenchCost.ConvBytes(layer.X, layer.Weight, layer.Params),
                context => Prepare(context, layer, direction, algorithm));
        }
    }

    private static IBenchInstance Prepare(BenchContext context, ConvLayer layer, ConvDirection direction, ConvAlgorithm algorithm)
    {
        var p = layer.Params;
        var yShape = p.OutputShape(layer.X, layer.Weight);
        long workspaceElements = ConvAlgorithms.WorkspaceElements(direction, algorithm, layer.X, layer.Weight, p);
        var x = context.Filled(layer.X);
        var w = context.Filled(layer.Weight);
        var y = context.Filled(yShape);
        var workspace = new DeviceBuffer<float>(context.Gpu, Math.Max(workspaceElements, 1));
        var ws = workspaceElements == 0 ? null : workspace;
        var conv = context.Conv;
        Action run = direction switch
        {
            ConvDirection.Forward => () => conv.Forward(x, w, null, y, p, algorithm, ws),
            ConvDirection.BackwardData => () => conv.BackwardData(y, w, x, p, algorithm, ws),
            _ => () => conv.BackwardFilter(x, y, w, p, algorithm, ws),
        };
        return new BenchInstance(run, x, w, y, workspace);
    }

    /// <summary>Our SGEMM (sgemm_v2 through <see cref="GemmKernels"/>) on one shape.</summary>
    public static BenchCase Gemm(GemmShape shape) =>
        new("gemm", shape.Id, "ours.sgemm_v2", BenchCost.GemmFlops(shape.M, shape.N, shape.K), BenchCost.GemmBytes(shape.M, shape.N, shape.K),
            context =>
            {
                var a = context.Filled(new TensorShape(shape.M, shape.K));
                var b = context.Filled(new TensorShape(shape.K, shape.N));
                var c = context.Filled(new TensorShape(shape.M, shape.N));
                var gemm = context.Conv.Gemm;
                return new BenchInstance(() => gemm.Gemm(false, shape.TransB, shape.M, shape.N, shape.K, 1f, a.Buffer, b.Buffer, 0f, c.Buffer), a, b, c);
            });
}
