using System.Globalization;
using CudaCnn.Kernels;

namespace CudaCnn.Checks;

/// <summary>
/// The arithmetic targets for Winograd on a 3x3 layer (<see cref="Layer"/>, one of <see cref="ConvCases"/>),
/// forward: F(2x2,3x3) does at most 1/2.0 and F(4x4,3x3) at most 1/3.5 of im2col+GEMM's floating-point work (Lavin and
/// Gray: 2.25x and 4x fewer multiplications, less the transforms). The filter transform is left out: a cached filter
/// skips it. Computed from the per-check, per-kernel FLOP counts that <c>cudacnn profile</c> collects on the software
/// GPU, which count executed FLOPs, the zero padding of partial 64x64 GEMM tiles included. That is why backward data
/// has no target: there Winograd's GEMMs have M = C = 16 rows (a quarter of a tile) against im2col's M = C·9 = 144.
/// </summary>
public static class ConvFlopRatios
{
    /// <summary>N=4, C=K=16, 16x16, 3x3 padding 1: whole 4x4 tiles, 64 of them (one full GEMM tile wide).</summary>
    public const string Layer = "3x3-pad1-16ch";

    public const double Winograd2x2MinReduction = 2.0;
    public const double Winograd4x4MinReduction = 3.5;

    /// <summary>im2col+GEMM's forward FLOPs over <see cref="Algorithm"/>'s on <see cref="Layer"/>.</summary>
    public sealed record Ratio(ConvAlgorithm Algorithm, long Im2colFlops, long Flops)
    {
        public double Reduction => (double)Im2colFlops / Flops;
        public double Target => Algorithm == ConvAlgorithm.Winograd2x2 ? Winograd2x2MinReduction : Winograd4x4MinReduction;
        public bool Met => Reduction >= Target;

        public override string ToString()
        {
            var c = CultureInfo.InvariantCulture;
            string met = Met ? "" : ", NOT MET";
            return string.Create(c, $"conv Forward {Layer}: im2col+GEMM {Im2colFlops:N0} / {Algorithm} {Flops:N0} FLOPs = ") +
                string.Create(c, $"{Reduction:F2}x (target >= {Target}x{met}; filter transform excluded)");
        }
    }

    /// <summary>The ratio of every Winograd algorithm that ran forward on <see cref="Layer"/>, from (check, kernel,
    /// FLOPs) rows of the conv checks (<see cref="ConvolutionChecks"/> names a check "{algorithm} {direction}").</summary>
    public static IReadOnlyList<Ratio> From(IEnumerable<(KernelCheck Check, string Kernel, long Flops)> rows)
    {
        var totals = new Dictionary<ConvAlgorithm, long>();
        foreach (var (check, kernel, flops) in rows)
        {
            if (check.Op != "conv" || !check.Shape.StartsWith(Layer + " ", StringComparison.Ordinal)) continue;
            if (kernel.EndsWith("_filter_transform", StringComparison.Ordinal)) continue;
            var words = check.Kernel.Split(' ');
            if (words.Length != 2 || words[1] != nameof(ConvDirection.Forward) || !Enum.TryParse<ConvAlgorithm>(words[0], out var algorithm)) continue;
            totals[algorithm] = totals.GetValueOrDefault(algorithm) + flops;
        }
        var ratios = new List<Ratio>();
        if (totals.TryGetValue(ConvAlgorithm.Im2colGemm, out long im2col))
            foreach (var algorithm in new[] { ConvAlgorithm.Winograd2x2, ConvAlgorithm.Winograd4x4 })
                if (totals.TryGetValue(algorithm, out long flops))
                    ratios.Add(new Ratio(algorithm, im2col, flops));
        return ratios;
    }
}
