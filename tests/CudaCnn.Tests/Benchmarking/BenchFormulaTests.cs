using CudaCnn.Benchmarking;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Benchmarking;

public class BenchFormulaTests
{
    [Fact]
    public void Conv_flops_count_two_per_multiply_add_of_the_direct_algorithm()
    {
        // x [2,3,8,8], w [4,3,3,3], pad 1: y [2,4,8,8]; each output sums 3*3*3 products.
        var x = new TensorShape(2, 3, 8, 8);
        var w = new TensorShape(4, 3, 3, 3);
        Assert.Equal(2.0 * (2 * 4 * 8 * 8) * 27, BenchCost.ConvFlops(x, w, new Conv2dParams(padding: 1)));
        Assert.Equal(4.0 * (2 * 3 * 8 * 8 + 4 * 3 * 3 * 3 + 2 * 4 * 8 * 8), BenchCost.ConvBytes(x, w, new Conv2dParams(padding: 1)));
    }

    [Fact]
    public void AlexNet_conv1_is_27_GFLOP_per_batch_of_128()
    {
        var conv1 = BenchShapes.AlexNet[0];
        Assert.Equal((55, 55), conv1.Params.OutputSize(227, 227, 11, 11));
        Assert.Equal(26_986_291_200d, BenchCost.ConvFlops(conv1.X, conv1.Weight, conv1.Params));
    }

    [Fact]
    public void Grouped_conv_counts_only_the_channels_of_its_group()
    {
        var x = new TensorShape(1, 4, 5, 5);
        var w = new TensorShape(6, 2, 3, 3); // groups 2: each output sees 2 of the 4 input channels
        Assert.Equal(2.0 * 6 * 3 * 3 * 2 * 9, BenchCost.ConvFlops(x, w, new Conv2dParams(groups: 2)));
    }

    [Fact]
    public void Gemm_and_stream_costs()
    {
        Assert.Equal(2.0 * 128 * 64 * 32, BenchCost.GemmFlops(128, 64, 32));
        Assert.Equal(4.0 * (128 * 32 + 32 * 64 + 128 * 64), BenchCost.GemmBytes(128, 64, 32));
        Assert.Equal(4.0 * 1000 * 3, BenchCost.StreamBytes(1000, 3));
        Assert.Equal(1.0, BenchCost.Tflops(1e9, 1), 12);              // 1 GFLOP in 1 ms
        Assert.Equal(2.0, BenchCost.GigabytesPerSecond(2e6, 1), 12);  // 2 MB in 1 ms
    }

    [Fact]
    public void Winograd_cases_appear_only_where_the_algorithm_applies()
    {
        var conv2 = BenchShapes.AlexNet[1]; // 5x5
        var conv3 = BenchShapes.AlexNet[2]; // 3x3 p1
        Assert.Equal(["conv/alexnet.conv2.b128.fwd/ours.Im2colGemm"], ConvBenchCases.For(conv2, ConvDirection.Forward).Select(c => c.Name));
        Assert.Equal(["ours.Im2colGemm", "ours.Winograd2x2", "ours.Winograd4x4"],
            ConvBenchCases.For(conv3, ConvDirection.BackwardData).Select(c => c.Implementation));
        Assert.Equal(["ours.Im2colGemm"], ConvBenchCases.For(conv3, ConvDirection.BackwardFilter).Select(c => c.Implementation));
        var oneByOne = BenchShapes.ResNet50.First(l => l.Name == "56x56.64-256.1x1");
        Assert.Contains("ours.Gemm1x1", ConvBenchCases.For(oneByOne, ConvDirection.Forward).Select(c => c.Implementation));
    }

    [Fact]
    public void Case_names_are_unique_in_both_catalogs()
    {
        foreach (var catalog in new[] { BenchCatalog.Device(), BenchCatalog.Sim() })
        {
            var duplicates = catalog.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicates.Count == 0, string.Join(", ", duplicates));
        }
    }

    [Fact]
    public void Every_device_layer_has_each_direction()
    {
        var names = BenchCatalog.Device().Select(c => c.Name).ToHashSet();
        foreach (var layer in BenchShapes.AllDevice)
            foreach (var direction in ConvBenchCases.Directions)
                Assert.Contains($"conv/{ConvBenchCases.Group(layer, direction)}/ours.Im2colGemm", names);
    }
}
