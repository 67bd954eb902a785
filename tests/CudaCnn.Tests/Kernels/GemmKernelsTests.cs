using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Tests.Shared;

namespace CudaCnn.Tests.Kernels;

/// <summary>SGEMM on the software GPU (checkers on) against GemmReference.</summary>
public class GemmKernelsTests
{
    private static float[] Product(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c)
    {
        var expected = (float[])c.Clone();
        GemmReference.Gemm(transA, transB, m, n, k, alpha, a, b, beta, expected);
        return expected;
    }

    // 67 x 45 x 29: no dimension is a multiple of the 64 x 64 x 8 tile or of 4 (scalar kernel, edge tiles).
    [NvrtcTheory]
    [InlineData(false, false, GemmVersion.V2Tiled)]
    [InlineData(false, true, GemmVersion.V2Tiled)]
    [InlineData(true, false, GemmVersion.V2Tiled)]
    [InlineData(true, true, GemmVersion.V2Tiled)]
    [InlineData(true, false, GemmVersion.V1Naive)]
    public void Every_transpose_matches_the_reference_on_sizes_off_every_tile(bool transA, bool transB, GemmVersion version)
    {
        const int m = 67, n = 45, k = 29;
        using var sim = new SimHarness();
        var a = RandomData.Uniform(m * k, 1);
        var b = RandomData.Uniform(k * n, 2);
        var c = RandomData.Uniform(m * n, 3);
        using var da = sim.Upload(a);
        using var db = sim.Upload(b);
        using var dc = sim.Upload(c);
        sim.Gemm.Gemm(transA, transB, m, n, k, 1.5f, da, db, 0.5f, dc, version: version);
        TensorComparison.Compare($"C ({transA},{transB})", Product(transA, transB, m, n, k, 1.5f, a, b, 0.5f, c), dc.ToArray(),
            ConvTolerances.Reduction(k)).ThrowIfFailed();
        string expectedKernel = version == GemmVersion.V1Naive ? "sgemm_v1_naive" : GemmKernels.TiledKernelName(transA, transB, vectorized: false);
        Assert.Equal([expectedKernel], sim.Gpu.KernelStats.Keys);
    }

    [NvrtcTheory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Aligned_operands_take_the_float4_kernel_with_ragged_edges(bool transA, bool transB)
    {
        const int m = 68, n = 76, k = 20; // multiples of 4 (float4 legal), not of the tile
        using var sim = new SimHarness();
        var a = RandomData.Uniform(m * k, 4);
        var b = RandomData.Uniform(k * n, 5);
        var c = RandomData.Uniform(m * n, 6);
        using var da = sim.Upload(a);
        using var db = sim.Upload(b);
        using var dc = sim.Upload(c);
        sim.Gemm.Gemm(transA, transB, m, n, k, -1f, da, db, 1f, dc);
        TensorComparison.Compare("C", Product(transA, transB, m, n, k, -1f, a, b, 1f, c), dc.ToArray(), ConvTolerances.Reduction(k)).ThrowIfFailed();
        Assert.Equal([GemmKernels.TiledKernelName(transA, transB, vectorized: true)], sim.Gpu.KernelStats.Keys);
    }

    [NvrtcFact]
    public void Beta_zero_does_not_read_C()
    {
        const int m = 5, n = 7, k = 3;
        using var sim = new SimHarness();
        var a = RandomData.Uniform(m * k, 7);
        var b = RandomData.Uniform(k * n, 8);
        var c = Enumerable.Repeat(float.NaN, m * n).ToArray();
        using var da = sim.Upload(a);
        using var db = sim.Upload(b);
        using var dc = sim.Upload(c);
        sim.Gemm.Gemm(false, false, m, n, k, 1f, da, db, 0f, dc);
        TensorComparison.Compare("C", Product(false, false, m, n, k, 1f, a, b, 0f, c), dc.ToArray(), ConvTolerances.Reduction(k)).ThrowIfFailed();
    }

    [NvrtcFact]
    public void Strided_batches_with_padded_leading_dimensions_match_the_reference()
    {
        const int batch = 3, m = 33, n = 21, k = 17, lda = 19, ldb = 23, ldc = 25;
        using var sim = new SimHarness();
        long strideA = m * lda + 5, strideB = k * ldb + 3, strideC = m * ldc + 7;
        var a = RandomData.Uniform(batch * strideA, 9);
        var b = RandomData.Uniform(batch * strideB, 10);
        var c = RandomData.Uniform(batch * strideC, 11);
        using var da = sim.Upload(a);
        using var db = sim.Upload(b);
        using var dc = sim.Upload(c);
        sim.Gemm.StridedBatched(batch, false, false, m, n, k, 2f, new StridedMatrix(da, 0, lda, strideA),
            new StridedMatrix(db, 0, ldb, strideB), -1f, new StridedMatrix(dc, 0, ldc, strideC));
        var actual = dc.ToArray();
        for (int i = 0; i < batch; i++)
        {
            var ai = Pack(a, i * strideA, m, k, lda);
            var bi = Pack(b, i * strideB, k, n, ldb);
            var ci = Pack(c, i * strideC, m, n, ldc);
            var expected = Product(false, false, m, n, k, 2f, ai, bi, -1f, ci);
            TensorComparison.Compare($"C[{i}]", expected, Pack(actual, i * strideC, m, n, ldc), ConvTolerances.Reduction(k)).ThrowIfFailed();
            // Padding between rows and batches is untouched.
            for (int r = 0; r < m; r++)
                for (int col = n; col < ldc; col++)
                    Assert.Equal(c[i * strideC + r * ldc + col], actual[i * strideC + r * ldc + col]);
        }
    }

    public static TheoryData<GemmBiasMode, ActivationKind> Epilogues => new()
    {
        { GemmBiasMode.PerRow, ActivationKind.Identity },
        { GemmBiasMode.PerColumn, ActivationKind.ReLU },
        { GemmBiasMode.PerRow, ActivationKind.LeakyReLU },
        { GemmBiasMode.PerColumn, ActivationKind.ELU },
        { GemmBiasMode.None, ActivationKind.Tanh },
        { GemmBiasMode.PerRow, ActivationKind.Sigmoid },
    };

    [NvrtcTheory]
    [MemberData(nameof(Epilogues))]
    public void Fused_bias_and_activation_match_the_reference_definitions(GemmBiasMode mode, ActivationKind kind)
    {
        const int m = 37, n = 29, k = 13;
        using var sim = new SimHarness();
        var activation = new ActivationParams(kind, kind == ActivationKind.LeakyReLU ? 0.1 : null);
        var a = RandomData.Uniform(m * k, 12);
        var b = RandomData.Uniform(k * n, 13);
        var bias = RandomData.Uniform(mode == GemmBiasMode.PerColumn ? n : m, 14);
        using var da = sim.Upload(a);
        using var db = sim.Upload(b);
        using var dc = sim.Upload(new float[m * n]);
        using var dbias = sim.Upload(bias);
        sim.Gemm.Gemm(false, false, m, n, k, 1f, da, db, 0f, dc, new GemmEpilogue(dbias, mode, Activation: activation));
        var sum = Product(false, false, m, n, k, 1f, a, b, 0f, new float[m * n]);
        var expected = new float[m * n];
        for (int r = 0; r < m; r++)
            for (int col = 0; col < n; col++)
            {
                double add = mode switch { GemmBiasMode.PerRow => bias[r], GemmBiasMode.PerColumn => bias[col], _ => 0 };
                expected[r * n + col] = (float)ActivationReference.Apply(activation, (double)sum[r * n + col] + add);
            }
        TensorComparison.Compare($"C ({mode}, {kind})", expected, dc.ToArray(), ConvTolerances.Reduction(k + 2)).ThrowIfFailed();
    }

    /// <summary>The main loop's counters on an aligned 128 x 128 x 64 product: 0 shared-memory bank conflicts, and
    /// every global request touches exactly the ideal number of sectors (16 per float4 request).</summary>
    [NvrtcTheory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Tiled_kernel_has_no_bank_conflicts_and_ideal_global_sectors(bool transA, bool transB)
    {
        const int m = 128, n = 128, k = 64;
        using var sim = new SimHarness();
        using var da = sim.Upload(RandomData.Uniform(m * k, 15));
        using var db = sim.Upload(RandomData.Uniform(k * n, 16));
        using var dc = sim.Upload(new float[m * n]);
        sim.Gemm.Gemm(transA, transB, m, n, k, 1f, da, db, 0f, dc);
        var stats = sim.Gpu.LastLaunch;
        Assert.Equal(0, stats.SharedBankConflicts);
        Assert.Equal(stats.GlobalLoadIdealSectors, stats.GlobalLoadSectors);
        Assert.Equal(stats.GlobalStoreIdealSectors, stats.GlobalStoreSectors);
        Assert.Equal(16.0, stats.GlobalLoadSectorsPerRequest);
        Assert.Equal(0, stats.LocalLoadRequests + stats.LocalStoreRequests);
    }

    private static float[] Pack(float[] source, long offset, int rows, int cols, int ld)
    {
        var packed = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            Array.Copy(source, offset + (long)r * ld, packed, r * cols, cols);
        return packed;
    }
}
