using CudaCnn.Checks;
using CudaCnn.Kernels;
using CudaCnn.Ops;
using CudaCnn.Reference;
using CudaCnn.Runtime;
using CudaCnn.Tests.Shared;
using Xunit.Abstractions;

namespace CudaCnn.Tests.Kernels;

/// <summary>Error of the Winograd algorithms against the double-accumulating reference, measured next to
/// im2col+GEMM's on the same data (forward and backward data, inputs and weights uniform in [-1, 1]), including
/// long reductions. The printed table is the one in docs/kernels.md.</summary>
public class ConvolutionAccuracyTests(SimHarness sim, ITestOutputHelper output) : IClassFixture<SimHarness>
{
    // Bounds on the RMS error (stable within about 5% across seeds; the max is one sample of a tail and swings by
    // about 1.5x, so it is printed, not asserted).

    /// <summary>The "within a few times of im2col+GEMM", forward (measured 2.5-4.8x). Not asserted for
    /// backward data: im2col's is a sum of short chains (K-term GEMM, then col2im's kH·kW terms), about 3x more
    /// accurate than its forward, while Winograd's error is the same in both directions.</summary>
    private const double Winograd4x4MaxRmsVsIm2col = 6;

    /// <summary>F(2x2,3x3) runs the same pipeline with nearly exact transforms (0, +-1/2, +-1), so this ratio isolates
    /// the conditioning of the F(4x4,3x3) transforms in both directions: 3.9-5.0 with the points 0, 1, -1, 2, -1/2;
    /// Lavin's 0, +-1, +-2 measured 6.2-7.7.</summary>
    private const double Winograd4x4MaxRmsVsWinograd2x2 = 5.5;

    /// <summary>F(2x2,3x3) against im2col+GEMM (measured 0.6-1.7x).</summary>
    private const double Winograd2x2MaxRmsVsIm2col = 2;

    private static readonly (string Name, TensorShape X, TensorShape W)[] Layers =
    [
        ("N4 C16 K16 16x16", new(4, 16, 16, 16), new(16, 16, 3, 3)), // the counters layer
        ("N1 C64 K64 16x16", new(1, 64, 16, 16), new(64, 64, 3, 3)),
        ("N1 C256 K16 8x8", new(1, 256, 8, 8), new(16, 256, 3, 3)),
        ("N3 C5 K7 13x11", new(3, 5, 13, 11), new(7, 5, 3, 3)),
    ];

    private static readonly Conv2dParams P = new(padding: 1);

    [NvrtcFact]
    public void Winograd_error_stays_within_a_few_times_of_im2col_gemm()
    {
        var violations = new List<string>();
        void Bound(string what, double ratio, double bound)
        {
            if (ratio > bound) violations.Add($"{what}: rms error {ratio:F2}x, allowed {bound}x");
        }
        foreach (var (layer, xShape, wShape) in Layers)
            foreach (var direction in new[] { ConvDirection.Forward, ConvDirection.BackwardData })
            {
                var im2col = Measure(direction, ConvAlgorithm.Im2colGemm, xShape, wShape);
                var f2 = Measure(direction, ConvAlgorithm.Winograd2x2, xShape, wShape);
                var f4 = Measure(direction, ConvAlgorithm.Winograd4x4, xShape, wShape);
                foreach (var (name, e) in new[] { ("Im2colGemm", im2col), ("Winograd2x2", f2), ("Winograd4x4", f4) })
                    output.WriteLine($"{layer} {direction} {name}: max abs {e.MaxAbs:G3} (x{e.MaxAbs / im2col.MaxAbs:F1}), " +
                        $"max rel {e.MaxRel:G3}, rms {e.Rms:G3} (x{e.Rms / im2col.Rms:F2}), worst/tolerance {e.WorstFraction:F3}");
                string where = $"{layer} {direction}";
                Bound($"{where} Winograd2x2 vs Im2colGemm", f2.Rms / im2col.Rms, Winograd2x2MaxRmsVsIm2col);
                Bound($"{where} Winograd4x4 vs Winograd2x2", f4.Rms / f2.Rms, Winograd4x4MaxRmsVsWinograd2x2);
                if (direction == ConvDirection.Forward)
                    Bound($"{where} Winograd4x4 vs Im2colGemm", f4.Rms / im2col.Rms, Winograd4x4MaxRmsVsIm2col);
            }
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    private sealed record Error(double MaxAbs, double MaxRel, double Rms, double WorstFraction);

    private Error Measure(ConvDirection direction, ConvAlgorithm algorithm, TensorShape xShape, TensorShape wShape)
    {
        var yShape = P.OutputShape(xShape, wShape);
        var (inShape, outShape) = direction == ConvDirection.Forward ? (xShape, yShape) : (yShape, xShape);
        var input = RandomData.Uniform(inShape.Elements, 51);
        var w = RandomData.Uniform(wShape.Elements, 52);
        var expected = new float[outShape.Elements];
        if (direction == ConvDirection.Forward) ConvolutionReference.Forward(input, xShape, w, wShape, null, P, expected);
        else ConvolutionReference.BackwardData(input, w, wShape, P, expected, xShape);

        using var din = sim.Upload(inShape, input);
        using var dw = sim.Upload(wShape, w);
        using var dout = sim.Poisoned(outShape);
        using var workspace = new DeviceBuffer<float>(sim.Gpu, Math.Max(1, ConvAlgorithms.WorkspaceElements(direction, algorithm, xShape, wShape, P)));
        if (direction == ConvDirection.Forward) sim.Conv.Forward(din, dw, null, dout, P, algorithm, workspace);
        else sim.Conv.BackwardData(din, dw, dout, P, algorithm, workspace);
        var actual = dout.ToArray();

        long reduction = direction == ConvDirection.Forward ? wShape.C * 9 : wShape.N * 9;
        var result = TensorComparison.Compare($"{algorithm} {direction}", expected, actual, ConvTolerances.For(algorithm, reduction), outShape);
        result.ThrowIfFailed();
        double sum = 0;
        for (int i = 0; i < actual.Length; i++) sum += Math.Pow((double)actual[i] - expected[i], 2);
        return new Error(result.MaxAbsError, result.MaxRelError, Math.Sqrt(sum / actual.Length), result.WorstFractionOfTolerance);
    }
}
