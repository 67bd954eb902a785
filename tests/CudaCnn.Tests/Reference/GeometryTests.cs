using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Tests.Reference;

public class GeometryTests
{
    [Theory]
    [InlineData(1, 0, 5)]
    [InlineData(2, 0, 3)]
    [InlineData(3, 1, 3)]
    public void SevenBySevenWithThreeByThreeFilter(int stride, int padding, int expected)
    {
        var p = new Conv2dParams(stride: stride, padding: padding, rounding: OutputRounding.Exact);
        Assert.Equal((expected, expected), p.OutputSize(7, 7, 3, 3));
    }

    [Fact]
    public void StrideThreeWithoutPaddingDoesNotFitAndSaysWhy()
    {
        var p = new Conv2dParams(stride: 3, rounding: OutputRounding.Exact);
        var error = Assert.Throws<ArgumentException>(() => p.OutputSize(7, 7, 3, 3));
        Assert.Equal("Conv2d: a 3x3 filter with stride 3 does not fit a 7x7 input without padding: along the height " +
                     "(7 - 3 + 2*0) / 3 + 1 = 2.33 is not an integer", error.Message);
    }

    [Fact]
    public void FloorRoundingDropsTheTrailingColumnInstead()
    {
        Assert.Equal((2, 2), new Conv2dParams(stride: 3).OutputSize(7, 7, 3, 3));
    }

    [Fact]
    public void FilterLargerThanThePaddedInputIsAnError()
    {
        var error = Assert.Throws<ArgumentException>(() => new Conv2dParams(padding: 1).OutputSize(3, 8, 7, 7));
        Assert.Contains("extent 7 exceeds the padded input 3 + 2*1 = 5", error.Message);
        Assert.Contains("along the height", error.Message);
    }

    [Fact]
    public void TenFiveByFiveFiltersWithPaddingTwoKeepThirtyTwoByThirtyTwo()
    {
        var p = new Conv2dParams(padding: 2, rounding: OutputRounding.Exact);
        var w = p.WeightShape(3, 10, 5, 5);
        Assert.Equal(new TensorShape(1, 10, 32, 32), p.OutputShape(new TensorShape(1, 3, 32, 32), w));
        Assert.Equal(750, p.WeightCount(3, 10, 5, 5));
        Assert.Equal(10, w.N); // one bias per filter
    }

    [Fact]
    public void AlexNetLectureVersionShapesAndWeightCounts()
    {
        var x = new TensorShape(1, 3, 227, 227);
        var pool = new Pool2dParams(3, stride: 2, rounding: OutputRounding.Exact);
        var shapes = new List<string>();
        var weights = new List<long>();

        TensorShape Conv(TensorShape input, int k, int f, int stride, int padding)
        {
            var p = new Conv2dParams(stride: stride, padding: padding, rounding: OutputRounding.Exact);
            var y = p.OutputShape(input, p.WeightShape(input.C, k, f, f));
            weights.Add(p.WeightCount(input.C, k, f, f));
            shapes.Add($"{y.H}x{y.W}x{y.C}");
            return y;
        }
        TensorShape Pool(TensorShape input)
        {
            var y = pool.OutputShape(input);
            shapes.Add($"{y.H}x{y.W}x{y.C}");
            return y;
        }
        void Fc(long inFeatures, int outFeatures)
        {
            weights.Add(new TensorShape(outFeatures, (int)inFeatures).Elements); // Linear weight [out, in]
            shapes.Add($"{outFeatures}");
        }

        x = Pool(Conv(x, 96, 11, 4, 0));
        x = Pool(Conv(x, 256, 5, 1, 2));
        x = Pool(Conv(Conv(Conv(x, 384, 3, 1, 1), 384, 3, 1, 1), 256, 3, 1, 1));
        Fc((long)x.C * x.H * x.W, 4096);
        Fc(4096, 4096);
        Fc(4096, 1000);

        Assert.Equal(["55x55x96", "27x27x96", "27x27x256", "13x13x256", "13x13x384", "13x13x384", "13x13x256", "6x6x256",
            "4096", "4096", "1000"], shapes);
        Assert.Equal([34_848L, 614_400, 884_736, 1_327_104, 884_736, 37_748_736, 16_777_216, 4_096_000], weights);
    }

    [Fact]
    public void GroupsMustDivideChannelsAndMatchTheWeight()
    {
        var p = new Conv2dParams(groups: 2);
        var error = Assert.Throws<ArgumentException>(() => p.OutputShape(new TensorShape(1, 6, 8, 8), new TensorShape(4, 6, 3, 3)));
        Assert.Contains("weight must have 3 input channels, got 6", error.Message);
        Assert.Throws<ArgumentException>(() => p.OutputShape(new TensorShape(1, 5, 8, 8), new TensorShape(4, 2, 3, 3)));
    }

    [Fact]
    public void DilationWidensTheWindow()
    {
        // extent = 2 * (3 - 1) + 1 = 5: (9 - 5) / 1 + 1 = 5
        Assert.Equal((5, 5), new Conv2dParams(dilation: 2).OutputSize(9, 9, 3, 3));
    }

    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(1, 0, 0)]
    [InlineData(1, 1, -1)]
    public void InvalidConvParametersAreRejected(int stride, int dilation, int padding)
    {
        Assert.ThrowsAny<ArgumentException>(() => new Conv2dParams(stride: stride, padding: padding, dilation: dilation));
    }

    [Theory]
    [InlineData(6, 2, 2, 0, OutputRounding.Floor, 3)]
    [InlineData(7, 2, 2, 0, OutputRounding.Floor, 3)]
    [InlineData(7, 2, 2, 0, OutputRounding.Ceil, 4)]
    [InlineData(6, 3, 2, 1, OutputRounding.Ceil, 4)]   // ceil((6+2-3)/2)+1 = 4; window 3 starts at 3*2 = 6 < 6 + 1 (padded coordinates): kept
    [InlineData(5, 2, 2, 1, OutputRounding.Ceil, 3)]   // ceil((5+2-2)/2)+1 = 4, but window 3 starts at 3*2 = 6 >= 5 + 1: dropped
    [InlineData(55, 3, 2, 0, OutputRounding.Floor, 27)]
    [InlineData(13, 3, 2, 0, OutputRounding.Ceil, 6)]
    public void PoolingOutputSizes(int input, int kernel, int stride, int padding, OutputRounding rounding, int expected)
    {
        Assert.Equal((expected, expected), new Pool2dParams(kernel, stride, padding, rounding).OutputSize(input, input));
    }

    [Fact]
    public void PoolingPaddingAboveHalfTheWindowIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new Pool2dParams(3, stride: 1, padding: 2));
        Assert.Contains("at most half", error.Message);
    }
}
