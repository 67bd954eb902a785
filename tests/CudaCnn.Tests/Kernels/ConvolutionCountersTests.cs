using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Runtime;
using CudaCnn.Sim;
using CudaCnn.Tests.Shared;
using Xunit.Abstractions;

namespace CudaCnn.Tests.Kernels;

/// <summary>The FLOP ratios that <c>cudacnn profile --op conv</c> prints (<see cref="ConvFlopRatios"/>), counted the
/// way it counts them (one fresh software GPU per catalog check): on the 3x3 layer Winograd must do at most 1/2.0
/// (F(2x2,3x3)) and 1/3.5 (F(4x4,3x3)) of im2col+GEMM's floating-point work, transforms included except the filter's
/// (a cached filter skips it), forward. The errors are measured in ConvolutionAccuracyTests.</summary>
public class ConvolutionCountersTests(ITestOutputHelper output)
{
    private static readonly KernelCompiler Compiler = new(cacheDirectory: null);

    [NvrtcFact]
    public void Winograd_does_the_promised_fraction_of_im2col_gemm_arithmetic()
    {
        var names = new[] { ConvAlgorithm.Im2colGemm, ConvAlgorithm.Winograd2x2, ConvAlgorithm.Winograd4x4 }
            .Select(a => $"{a} {ConvDirection.Forward}").ToHashSet();
        var rows = new List<(KernelCheck, string, long)>();
        foreach (var check in KernelCheckCatalog.For("conv"))
        {
            if (!check.Shape.StartsWith(ConvFlopRatios.Layer + " ", StringComparison.Ordinal) || !names.Contains(check.Kernel)) continue;
            using var sim = new SimGpu(new SimOptions { Deterministic = true });
            using var library = new KernelLibrary(sim, Compiler);
            using (var context = new CheckContext(library))
                check.Run(context).ThrowIfFailed();
            foreach (var (kernel, stats) in sim.KernelStats) rows.Add((check, kernel, stats.Flops32));
        }

        var ratios = ConvFlopRatios.From(rows);
        foreach (var ratio in ratios) output.WriteLine(ratio.ToString());
        Assert.Equal(2, ratios.Count);
        Assert.All(ratios, r => Assert.True(r.Met, r.ToString()));
    }
}
