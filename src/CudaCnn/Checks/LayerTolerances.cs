using CudaCnn.Reference;

namespace CudaCnn.Checks;

/// <summary>The tolerances the layer kernels are held to against the reference (docs/kernels.md, "Layer kernels").</summary>
internal static class LayerTolerances
{
    /// <summary>Selecting, routing or moving values, integer RNG and one float multiply: bit-exact.</summary>
    public static readonly Tolerance Exact = new(0, 0);

    /// <summary>Max pooling's gather where windows overlap: a float sum of at most 4 dy in [-1, 1] vs double.</summary>
    public static readonly Tolerance OverlappingSum = new(1e-6, 0);

    /// <summary>Float window sums (average pooling) and libdevice expf/expm1f/tanhf/powf within 2 ulps; derivatives
    /// such as 1 - t^2 lose absolute precision near saturation, hence the absolute term.</summary>
    public static readonly Tolerance Pointwise = new(1e-6, 1e-5);

    /// <summary>LRN's backward subtracts two terms of similar size.</summary>
    public static readonly Tolerance LrnBackward = new(1e-5, 1e-4);

    /// <summary>Per-channel float sums with a fixed tree (batch norm statistics and outputs) against double.</summary>
    public static readonly Tolerance Normalized = new(2e-5, 2e-5);

    /// <summary>Accumulated parameter gradients: float sums of up to a few thousand O(1) terms.</summary>
    public static readonly Tolerance ChannelSums = new(1e-4, 1e-5);

    /// <summary>Cross-entropy loss: a logarithm of a float row sum plus the max, averaged.</summary>
    public static readonly Tolerance Loss = new(1e-5, 1e-5);

    /// <summary>Optimizer steps: float math with float hyper-parameters against double.</summary>
    public static readonly Tolerance OptimizerStep = new(1e-6, 1e-5);
}
