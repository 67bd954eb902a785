using CudaCnn.Benchmarking;
using CudaCnn.Kernels;
using CudaCnn.Oracle;

namespace CudaCnn.Tests.Oracle;

/// <summary>The oracle catalog's coverage, checked without a device: every op family, every convolution direction
/// on every benchmark layer, both GEMM maths, unique names; and the tolerance rules the checks use.</summary>
public sealed class OracleCatalogTests
{
    [Fact]
    public void Names_are_unique()
    {
        var duplicates = OracleCheckCatalog.All.GroupBy(c => c.ToString()).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.Empty(duplicates);
        Assert.Same(OracleCheckCatalog.All[0], OracleCheckCatalog.Get(OracleCheckCatalog.All[0].ToString()));
    }

    [Fact]
    public void Every_op_family_is_compared()
    {
        string[] ops = ["conv", "pooling", "lrn", "activation", "batchnorm", "softmax", "dropout", "gemm"];
        Assert.Equal(ops.Order(), OracleCheckCatalog.All.Select(c => c.Op).Distinct().Order());
        Assert.All(OracleCheckCatalog.All.Where(c => c.Op == "gemm"), c => Assert.Equal(OracleLibrary.Cublas, c.Library));
        Assert.All(OracleCheckCatalog.All.Where(c => c.Op != "gemm"), c => Assert.Equal(OracleLibrary.Cudnn, c.Library));
    }

    [Fact]
    public void Every_benchmark_layer_is_checked_in_every_direction_and_only_the_quick_set_leaves_them_out()
    {
        var layers = BenchShapes.AllDevice.ToList();
        Assert.Equal(27, layers.Count); // AlexNet 5, VGG-16 6, ResNet-50 16 (docs/benchmarks.md)
        foreach (var layer in layers)
        {
            var cases = OracleCheckCatalog.All.Where(c => c.Shape.StartsWith(layer.FullName + " ", StringComparison.Ordinal)).Select(c => c.Case).ToHashSet();
            foreach (var direction in Enum.GetValues<ConvDirection>()) Assert.Contains($"{direction} FMA", cases);
            Assert.Contains("BackwardBias", cases);
        }
        Assert.All(OracleCheckCatalog.Quick, c => Assert.False(c.Large));
        Assert.Equal(OracleCheckCatalog.All.Count(c => c.Large), OracleCheckCatalog.All.Count - OracleCheckCatalog.Quick.Count);
    }

    [Fact]
    public void Tf32_convolutions_are_checked_only_where_the_bound_still_catches_an_indexing_error()
    {
        // An indexing mistake moves an output by O(1); the TF32 bound must stay well below that.
        var tf32 = OracleCheckCatalog.All.Where(c => c.Op == "conv" && c.Case.Contains("TF32")).ToArray();
        Assert.NotEmpty(tf32);
        Assert.All(tf32, c => Assert.False(c.Large));
        Assert.True(OracleTolerances.Tf32Reduction(363 + 1).Absolute < 0.5, "AlexNet conv1's 363-term reduction");
    }

    [Fact]
    public void Transform_algorithms_get_the_winograd_factor_and_the_others_a_plain_reduction()
    {
        var plain = OracleTolerances.CudnnConvolution("IMPLICIT_PRECOMP_GEMM", 100);
        var fft = OracleTolerances.CudnnConvolution("FFT_TILING", 100);
        var winograd = OracleTolerances.CudnnConvolution("WINOGRAD_NONFUSED", 100);
        Assert.Equal(plain.Absolute * OracleTolerances.CudnnTransformFactor, fft.Absolute, 12);
        Assert.Equal(fft, winograd);
        var between = OracleTolerances.Between(plain, fft);
        Assert.Equal(plain.Absolute + fft.Absolute, between.Absolute, 12);
    }

    [Fact]
    public void The_dropout_bound_is_five_standard_deviations()
    {
        Assert.Equal(5 * Math.Sqrt(0.25 / 8192), OracleTolerances.DropFraction(0.5, 8192).Absolute, 12);
    }
}
