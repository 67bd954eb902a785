using CudaCnn.Native;
using CudaCnn.Oracle;
using CudaCnn.Reference;

namespace CudaCnn.Tests.Oracle;

/// <summary>
/// The row-major to column-major mapping of <see cref="CublasGemmPlan"/>, executed by a host model of cublasSgemm's
/// documented column-major semantics and compared with <see cref="GemmReference"/> (row-major): the same double sums
/// in the same order, so the results must be identical.
/// </summary>
public sealed class CublasGemmPlanTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void The_plan_computes_the_row_major_product(bool transA, bool transB)
    {
        const int m = 5, n = 7, k = 3;
        var a = RandomData.Uniform(m * k, 1);
        var b = RandomData.Uniform(k * n, 2);
        var c = RandomData.Uniform(m * n, 3);
        var expected = (float[])c.Clone();
        GemmReference.Gemm(transA, transB, m, n, k, 1.5f, a, b, 0.5f, expected);

        var plan = CublasGemmPlan.For(transA, transB, m, n, k);
        var actual = (float[])c.Clone();
        ColumnMajorSgemm(plan.TransFirst, plan.TransSecond, plan.M, plan.N, plan.K, 1.5f, b, plan.LdFirst, a, plan.LdSecond, 0.5f, actual, plan.LdC);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Our_transposed_A_becomes_cublas_second_operand_transposed_with_m_and_n_swapped()
    {
        var plan = CublasGemmPlan.For(transA: true, transB: false, m: 5, n: 7, k: 3);
        Assert.Equal((7, 5, 3), (plan.M, plan.N, plan.K));
        Assert.Equal((7, 5, 7), (plan.LdFirst, plan.LdSecond, plan.LdC));
        Assert.Equal((CublasOperation.N, CublasOperation.T), (plan.TransFirst, plan.TransSecond));
    }

    /// <summary>cublasSgemm: C(m x n) = alpha op(A) op(B) + beta C, column-major, element (i, j) at i + j * ld.</summary>
    private static void ColumnMajorSgemm(CublasOperation transA, CublasOperation transB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int t = 0; t < k; t++)
                {
                    float av = transA == CublasOperation.N ? a[i + t * lda] : a[t + i * lda];
                    float bv = transB == CublasOperation.N ? b[t + j * ldb] : b[j + t * ldb];
                    sum += (double)bv * av;
                }
                int ci = i + j * ldc;
                double prior = beta == 0 ? 0.0 : (double)beta * c[ci];
                c[ci] = (float)(alpha * sum + prior);
            }
    }
}
