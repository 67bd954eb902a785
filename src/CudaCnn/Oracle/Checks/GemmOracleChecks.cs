using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Reference;

namespace CudaCnn.Oracle;

/// <summary>Our tiled SGEMM against cuBLAS (FMA: cublasSgemm_v2; TF32: cublasGemmEx) and the reference: odd and
/// aligned sizes in every transpose, and the fully connected layers of AlexNet (batch 2) as Linear computes them.</summary>
internal static class GemmOracleChecks
{
    public static IEnumerable<OracleCheck> Cases()
    {
        (int M, int N, int K)[] sizes = [(67, 45, 29), (68, 76, 20), (128, 256, 64)];
        foreach (var (m, n, k) in sizes)
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                {
                    string op = $"{(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')}";
                    yield return new("gemm", $"{op} FMA", $"M{m} N{n} K{k}", OracleLibrary.Cublas, false, ctx => Run(ctx, transA, transB, m, n, k, OracleMath.Fma));
                    yield return new("gemm", $"{op} TF32", $"M{m} N{n} K{k}", OracleLibrary.Cublas, false, ctx => Run(ctx, transA, transB, m, n, k, OracleMath.Tf32));
                }
        // Linear forward y = x W^T: N x Out = (N x F)(Out x F)^T; backward weight dW = dy^T x.
        (string Name, int In, int Out)[] fc = [("alexnet.fc6", 9216, 4096), ("alexnet.fc7", 4096, 4096), ("alexnet.fc8", 4096, 1000)];
        foreach (var (name, features, outputs) in fc)
        {
            yield return new("gemm", "NT FMA (linear forward)", $"{name} M2 N{outputs} K{features}", OracleLibrary.Cublas, false,
                ctx => Run(ctx, false, true, 2, outputs, features, OracleMath.Fma));
            yield return new("gemm", "TN FMA (linear backward weight)", $"{name} M{outputs} N{features} K2", OracleLibrary.Cublas, false,
                ctx => Run(ctx, true, false, outputs, features, 2, OracleMath.Fma));
        }
    }

    private static OracleOutcome Run(OracleContext ctx, bool transA, bool transB, int m, int n, int k, OracleMath math)
    {
        var a = RandomData.Uniform((long)m * k, 101);
        var b = RandomData.Uniform((long)k * n, 102);
        var c = RandomData.Uniform((long)m * n, 103);
        const float alpha = 1.5f, beta = 0.5f;
        var expected = (float[])c.Clone();
        GemmReference.Gemm(transA, transB, m, n, k, alpha, a, b, beta, expected);

        var (aT, bT) = (ctx.Upload(a), ctx.Upload(b));
        var (ours, theirs) = (ctx.Upload(c), ctx.Upload(c));
        new GemmKernels(ctx.Library).Gemm(transA, transB, m, n, k, alpha, aT, bT, beta, ours);
        ctx.RequireCublas.Gemm(transA, transB, m, n, k, alpha, aT, bT, beta, theirs, math);
        // alpha 1.5 and beta 0.5 are exact; the error is the reduction's (+1 for the beta term).
        var oursTolerance = ConvTolerances.Reduction(k + 1);
        var theirsTolerance = math == OracleMath.Fma ? oursTolerance : OracleTolerances.Tf32Reduction(k + 1);
        return new OracleOutcome([OracleContext.Compare("C", expected, ours.ToArray(), oursTolerance, theirs.ToArray(), theirsTolerance)],
            math == OracleMath.Fma ? "cublasSgemm_v2" : "cublasGemmEx CUBLAS_COMPUTE_32F_FAST_TF32");
    }
}
