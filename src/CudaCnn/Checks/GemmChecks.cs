using CudaCnn.Kernels;
using CudaCnn.Reference;

namespace CudaCnn.Checks;

/// <summary>SGEMM against GemmReference: every transpose off every tile (scalar path), aligned sizes (float4 path),
/// and the naive v1 baseline.</summary>
internal static class GemmChecks
{
    private static readonly (int M, int N, int K)[] Sizes =
    [
        (67, 45, 29), // no dimension a multiple of the 64x64x8 tile or of 4: scalar kernel, edge tiles
        (68, 76, 20), // multiples of 4 (float4 legal), not of the tile
    ];

    public static IEnumerable<KernelCheck> Cases()
    {
        foreach (var (m, n, k) in Sizes)
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                {
                    bool vectorized = m % 4 == 0 && n % 4 == 0 && k % 4 == 0;
                    yield return new("gemm", GemmKernels.TiledKernelName(transA, transB, vectorized), $"{Op(transA, transB)} M{m} N{n} K{k}",
                        c => Run(c, transA, transB, m, n, k, GemmVersion.V2Tiled));
                }
        yield return new("gemm", "sgemm_v1_naive", "TN M67 N45 K29", c => Run(c, true, false, 67, 45, 29, GemmVersion.V1Naive));
    }

    private static string Op(bool transA, bool transB) => $"{(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')}";

    private static ComparisonResult Run(CheckContext ctx, bool transA, bool transB, int m, int n, int k, GemmVersion version)
    {
        var a = RandomData.Uniform(m * k, 1);
        var b = RandomData.Uniform(k * n, 2);
        var c = RandomData.Uniform(m * n, 3);
        var expected = (float[])c.Clone();
        GemmReference.Gemm(transA, transB, m, n, k, 1.5f, a, b, 0.5f, expected);

        var dc = ctx.Upload(c);
        new GemmKernels(ctx.Library).Gemm(transA, transB, m, n, k, 1.5f, ctx.Upload(a), ctx.Upload(b), 0.5f, dc, version: version);
        return TensorComparison.Compare($"gemm {Op(transA, transB)} C", expected, dc.ToArray(), ConvTolerances.Reduction(k));
    }
}
