using CudaCnn.Benchmarking;

namespace CudaCnn.Tests.Benchmarking;

public class BenchReportTests
{
    private static BenchResult Result(string suite, string group, string implementation, double ms, double flops = 0,
        double bytes = 0, BaselineKind baseline = BaselineKind.None) =>
        new(new BenchCase(suite, group, implementation, flops, bytes, _ => throw new InvalidOperationException("not run"), Baseline: baseline),
            ms, ms, 0, 0);

    [Fact]
    public void Ratio_is_to_the_fastest_baseline_of_the_same_group_and_kind()
    {
        var ours = Result("conv", "l1.fwd", "ours.Im2colGemm", 3.0, flops: 6e9);
        var report = new BenchReport(
        [
            ours,
            Result("conv", "l1.fwd", "cudnn.fma.algo0", 2.0, baseline: BaselineKind.Fma),
            Result("conv", "l1.fwd", "cudnn.fma.algo1", 1.5, baseline: BaselineKind.Fma),
            Result("conv", "l1.fwd", "cudnn.tf32", 0.5, baseline: BaselineKind.Tf32),
            Result("conv", "l2.fwd", "cudnn.fma", 0.1, baseline: BaselineKind.Fma),
        ]);
        Assert.Equal(2.0, report.RatioTo(ours, BaselineKind.Fma), 12);
        Assert.Equal(6.0, report.RatioTo(ours, BaselineKind.Tf32), 12);
        Assert.Equal(2.0, ours.Tflops, 12); // 6 GFLOP in 3 ms
        Assert.True(double.IsNaN(report.RatioTo(report.Results[1], BaselineKind.Fma)));
    }

    [Fact]
    public void Memory_rows_are_a_fraction_of_the_copy_bandwidth()
    {
        var relu = Result("memory", "relu.fwd", "ours", 1.0, bytes: 1.5e9);      // 1500 GB/s
        var copy = Result("memory", "copy", "device-to-device", 1.0, bytes: 3e9, baseline: BaselineKind.Copy); // 3000 GB/s
        var report = new BenchReport([relu, copy]);
        Assert.Equal(3000, report.CopyGigabytesPerSecond, 9);
        Assert.Equal(0.5, report.CopyFraction(relu), 12);
        Assert.True(double.IsNaN(report.CopyFraction(copy)));
    }

    [Fact]
    public void Columns_no_row_fills_are_left_out_of_the_markdown()
    {
        var report = new BenchReport([Result("gemm", "square.2x2x2", "ours.sgemm_v2", 0.5, flops: 1e9, bytes: 1e6)]);
        string markdown = report.ToMarkdown();
        string[] lines = markdown.TrimEnd('\n').Split('\n');
        Assert.Equal("| case | ms | TFLOP/s | GB/s | alloc B/run |", lines[0]);
        Assert.Equal("| --- | ---: | ---: | ---: | ---: |", lines[1]);
        Assert.Equal("| gemm/square.2x2x2/ours.sgemm_v2 | 0.5000 | 2.00 | 2.000 | 0 |", lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public void Markdown_escapes_pipes_and_checks_row_widths()
    {
        string table = MarkdownTable.Render(["a", "b"], [["x|y", "1"]], [false, true]);
        Assert.Equal("| a | b |\n| --- | ---: |\n| x\\|y | 1 |\n", table);
        Assert.Throws<ArgumentException>(() => MarkdownTable.Render(["a", "b"], [["only one"]], [false, true]));
    }

    [Theory]
    [InlineData(1234.5678, 4, "1235")]
    [InlineData(0.0123456, 3, "0.0123")]
    [InlineData(2.0, 3, "2.00")]
    [InlineData(double.NaN, 3, "")]
    public void Numbers_keep_significant_digits(double value, int significant, string expected) =>
        Assert.Equal(expected, BenchReport.Number(value, significant));

    [Fact]
    public void Median_of_odd_and_even_counts()
    {
        Assert.Equal(2.0, BenchRunner.Median([1.0, 2.0, 9.0]));
        Assert.Equal(2.5, BenchRunner.Median([1.0, 2.0, 3.0, 9.0]));
    }
}
