using CudaCnn.Kernels;
using CudaCnn.Oracle;
using CudaCnn.Runtime;

namespace CudaCnn.Benchmarking;

/// <summary>
/// cuDNN and cuBLAS as the baselines of the conv and GEMM groups, once with FP32 FMA math and once with TF32 allowed.
/// cuDNN's algorithm is its fastest by cudnnFindConvolution*Algorithm, searched in Prepare (outside the timed region).
/// A library that is absent (see <see cref="OracleLibraries"/>) contributes no cases.
/// </summary>
public sealed class OracleBaselines(bool cudnn, bool cublas) : IBenchBaselines
{
    private static readonly (OracleMath Math, BaselineKind Kind, string Tag)[] Maths =
        [(OracleMath.Fma, BaselineKind.Fma, "fma"), (OracleMath.Tf32, BaselineKind.Tf32, "tf32")];

    public IEnumerable<BenchCase> Conv(ConvLayer layer, ConvDirection direction)
    {
        if (!cudnn) yield break;
        foreach (var (math, kind, tag) in Maths)
            yield return new BenchCase("conv", ConvBenchCases.Group(layer, direction), $"cudnn.{tag}.best",
                BenchCost.ConvFlops(layer.X, layer.Weight, layer.Params), BenchCost.ConvBytes(layer.X, layer.Weight, layer.Params),
                context => PrepareConv(context, layer, direction, math), Baseline: kind);
    }

    public IEnumerable<BenchCase> Gemm(GemmShape shape)
    {
        if (!cublas) yield break;
        foreach (var (math, kind, tag) in Maths)
            yield return new BenchCase("gemm", shape.Id, $"cublas.{tag}", BenchCost.GemmFlops(shape.M, shape.N, shape.K),
                BenchCost.GemmBytes(shape.M, shape.N, shape.K), context =>
                {
                    var gemm = new CublasGemm(Cuda(context));
                    var a = context.Filled(new TensorShape(shape.M, shape.K));
                    var b = context.Filled(new TensorShape(shape.K, shape.N));
                    var c = context.Filled(new TensorShape(shape.M, shape.N));
                    return new BenchInstance(() => gemm.Gemm(false, shape.TransB, shape.M, shape.N, shape.K, 1f, a.Buffer, b.Buffer, 0f, c.Buffer, math),
                        gemm, a, b, c);
                }, Baseline: kind);
    }

    private static IBenchInstance PrepareConv(BenchContext context, ConvLayer layer, ConvDirection direction, OracleMath math)
    {
        var handle = new CudnnHandle(Cuda(context));
        var conv = new CudnnConvolution(handle, layer.X, layer.Weight, layer.Params, math);
        var x = context.Filled(layer.X);
        var w = context.Filled(layer.Weight);
        var y = context.Filled(conv.YShape);
        var algo = conv.Best(direction);
        Action run = direction switch
        {
            ConvDirection.Forward => () => conv.Forward(x, w, null, y, algo),
            ConvDirection.BackwardData => () => conv.BackwardData(y, w, x, algo),
            _ => () => conv.BackwardFilter(x, y, w, algo),
        };
        return new BenchInstance(run, handle, conv, x, w, y);
    }

    private static CudaGpu Cuda(BenchContext context) => context.Gpu as CudaGpu
        ?? throw new InvalidOperationException($"cuDNN and cuBLAS baselines need a CUDA device; this context runs on {context.Gpu.Info.Backend}");
}
