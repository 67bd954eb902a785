using CudaCnn.Ops;
using CudaCnn.Runtime;

namespace CudaCnn.Checks;

/// <summary>The convolution geometries every algorithm is checked on (small: the software GPU interprets them).</summary>
internal static class ConvCases
{
    public sealed record Case(TensorShape X, TensorShape W, Conv2dParams P);

    public static readonly IReadOnlyDictionary<string, Case> All = new Dictionary<string, Case>
    {
        // AlexNet conv1 geometry (11x11 stride 4, 3 input channels) on a 35x35 input and 8 filters.
        ["alexnet-conv1"] = new(new(2, 3, 35, 35), new(8, 3, 11, 11), new(stride: 4)),
        ["5x5-pad2"] = new(new(2, 6, 9, 9), new(8, 6, 5, 5), new(padding: 2)),
        ["3x3-pad0"] = new(new(2, 4, 8, 8), new(6, 4, 3, 3), new()),
        ["3x3-pad1"] = new(new(2, 4, 9, 10), new(6, 4, 3, 3), new(padding: 1)),
        ["3x3-pad2"] = new(new(1, 4, 7, 7), new(5, 4, 3, 3), new(padding: 2)),
        ["3x3-pad1-stride2"] = new(new(2, 4, 9, 9), new(6, 4, 3, 3), new(stride: 2, padding: 1)),
        ["3x3-pad0-stride2"] = new(new(1, 4, 10, 10), new(6, 4, 3, 3), new(stride: 2)),
        ["1x1"] = new(new(2, 8, 5, 6), new(6, 8, 1, 1), new()),
        ["1x1-grouped"] = new(new(2, 8, 5, 5), new(6, 4, 1, 1), new(groups: 2)),
        ["3x3-grouped"] = new(new(2, 6, 7, 7), new(9, 2, 3, 3), new(padding: 1, groups: 3)),
        ["odd-N3-C5-13x11-K7"] = new(new(3, 5, 13, 11), new(7, 5, 3, 3), new(padding: 1)),
        ["3x3-dilation2"] = new(new(1, 3, 9, 9), new(4, 3, 3, 3), new(padding: 2, dilation: 2)),
        // The FLOP-ratio layer of ConvFlopRatios.
        [ConvFlopRatios.Layer] = new(new(4, 16, 16, 16), new(16, 16, 3, 3), new(padding: 1)),
        ["2x4-asymmetric"] = new(new(1, 3, 8, 9), new(4, 3, 2, 4), new(strideH: 2, strideW: 1, padH: 1, padW: 2, dilationH: 1, dilationW: 1, groups: 1)),
    };

    public static IEnumerable<string> Names => All.Keys;
}
