namespace CudaCnn.Reference;

/// <summary>Row-major GEMM: C = alpha * op(A) * op(B) + beta * C with C m x n, op(A) m x k, op(B) k x n.
/// A is stored m x k (or k x m when transA), B k x n (or n x k when transB), all packed row-major
/// (leading dimension = row length). With beta = 0, C is not read (NaN in C does not propagate), as in cuBLAS.
/// Sums in double, one rounding to float per element.</summary>
public static class GemmReference
{
    private const string Op = "GemmReference";

    public static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c) =>
        GemmStridedBatched(1, transA, transB, m, n, k, alpha, a, 0, b, 0, beta, c, 0);

    /// <summary>batch independent GEMMs; matrix i of A starts at i * strideA (likewise B, C).</summary>
    public static void GemmStridedBatched(int batch, bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, long strideA, float[] b, long strideB, float beta, float[] c, long strideC)
    {
        if (batch <= 0 || m <= 0 || n <= 0 || k <= 0)
            throw new ArgumentOutOfRangeException(nameof(batch), $"{Op}: batch, m, n, k must be positive, got {batch}, {m}, {n}, {k}");
        RequireSpan(a, batch, strideA, (long)m * k, nameof(a));
        RequireSpan(b, batch, strideB, (long)k * n, nameof(b));
        RequireSpan(c, batch, strideC, (long)m * n, nameof(c));
        for (int i = 0; i < batch; i++)
        {
            long a0 = i * strideA, b0 = i * strideB, c0 = i * strideC;
            for (int row = 0; row < m; row++)
            for (int col = 0; col < n; col++)
            {
                double sum = 0;
                for (int t = 0; t < k; t++)
                {
                    float av = transA ? a[a0 + (long)t * m + row] : a[a0 + (long)row * k + t];
                    float bv = transB ? b[b0 + (long)col * k + t] : b[b0 + (long)t * n + col];
                    sum += (double)av * bv;
                }
                long ci = c0 + (long)row * n + col;
                double prior = beta == 0 ? 0.0 : (double)beta * c[ci];
                c[ci] = (float)(alpha * sum + prior);
            }
        }
    }

    private static void RequireSpan(float[] array, int batch, long stride, long matrix, string name)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        long needed = (batch - 1) * stride + matrix;
        if (stride < 0 || array.LongLength < needed)
            throw new ArgumentException($"{Op}: {name} has {array.LongLength} elements, {batch} matrices of {matrix} at stride {stride} need {needed}", name);
    }
}
